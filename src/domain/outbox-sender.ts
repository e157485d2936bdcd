import type { Logger } from "pino";
import type { OutboxRepo, OutboxRow } from "../db/outbox-repo.ts";
import type { OutboundMessage, Platform } from "./messages.ts";

/** The recipient can never be reached (blocked the bot, deleted account): do not retry. */
export class PermanentSendError extends Error {
  constructor(
    message: string,
    readonly blocked = false,
  ) {
    super(message);
    this.name = "PermanentSendError";
  }
}

/**
 * The platform is down for now (not connected, rate limited): nothing was sent. Retried every
 * `retryAfterMs` without counting as an attempt, so a long outage delays notices but never drops one.
 */
export class PlatformUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs = 30_000,
  ) {
    super(message);
    this.name = "PlatformUnavailableError";
  }
}

export interface MessageSender {
  /**
   * Delivers one message. `replaceMessageId` is the platform id of an earlier message with the
   * same tag, which the sender may edit instead of sending a new one. Returns the platform id.
   */
  send(address: string, message: OutboundMessage, replaceMessageId: string | null): Promise<string | null>;
}

const MAX_ATTEMPTS = 8;

/**
 * Sends the outbox: one chat's messages strictly in order, chats concurrently. A crash between a
 * send and its `sent` mark means that one message goes out twice, never zero times (SPEC §5).
 */
export function createOutboxSender(deps: {
  outbox: OutboxRepo;
  senders: Partial<Record<Platform, MessageSender>>;
  now: () => number;
  log: Logger;
  onBlocked?: (userId: number) => void;
  maxChats?: number;
}) {
  const busy = new Set<string>();
  const drainWaiters = new Map<string, (() => void)[]>();
  const chains = new Set<Promise<void>>();
  let scheduled = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const maxChats = deps.maxChats ?? 64;

  async function sendRow(row: OutboxRow): Promise<boolean> {
    const sender = deps.senders[row.platform];
    if (!sender) {
      // The platform is not running (yet, or in this process): keep the message, without using up an attempt.
      deps.outbox.postpone(row.id, deps.now() + 30_000, `no sender for ${row.platform}`);
      return false;
    }
    const message = JSON.parse(row.payload) as OutboundMessage;
    const replace = message.tag === undefined ? null : deps.outbox.lastSentMessageIdWithTag(row.platform, row.address, message.tag);
    try {
      const id = await sender.send(row.address, message, replace);
      deps.outbox.markSent(row.id, deps.now(), id);
      return true;
    } catch (err) {
      if (err instanceof PlatformUnavailableError) {
        deps.outbox.postpone(row.id, deps.now() + err.retryAfterMs, err.message);
        return false;
      }
      if (err instanceof PermanentSendError || row.attempts + 1 >= MAX_ATTEMPTS) {
        deps.outbox.markFailed(row.id, deps.now(), String(err instanceof Error ? err.message : err));
        if (err instanceof PermanentSendError && err.blocked && row.user_id !== null) deps.onBlocked?.(row.user_id);
        deps.log.warn({ err, outboxId: row.id, platform: row.platform }, "message given up");
        return true; // the next message of the chat may still go
      }
      const delay = Math.min(60_000, 1_000 * 2 ** row.attempts);
      deps.outbox.markRetry(row.id, deps.now() + delay, String(err instanceof Error ? err.message : err));
      deps.log.warn({ err, outboxId: row.id, platform: row.platform, attempt: row.attempts + 1 }, "send failed; will retry");
      return false;
    }
  }

  function startChain(platform: Platform, address: string) {
    const key = `${platform}\u0000${address}`;
    if (busy.has(key)) return;
    busy.add(key);
    const chain = (async () => {
      try {
        for (;;) {
          const row = deps.outbox.nextForAddress(platform, address);
          if (!row || row.next_attempt_at > deps.now()) break;
          if (!(await sendRow(row))) break;
        }
      } catch (err) {
        // The database refused for a moment: the rows stay unsent and are looked at again.
        deps.log.error({ err, platform }, "outbox chain failed; will retry");
        rescan = true;
      } finally {
        busy.delete(key);
        const waiters = drainWaiters.get(key);
        if (waiters && !deps.outbox.nextForAddress(platform, address)) {
          drainWaiters.delete(key);
          for (const w of waiters) w();
        }
      }
    })();
    chains.add(chain);
    void chain.finally(() => {
      chains.delete(chain);
      if (rescan) kick();
    });
  }

  let rescan = false;
  function drain() {
    try {
      drainOnce();
    } catch (err) {
      deps.log.error({ err }, "outbox scan failed; retrying");
      if (timer) clearTimeout(timer);
      timer = setTimeout(kick, 1_000);
      timer.unref();
    }
  }

  function drainOnce() {
    scheduled = false;
    if (stopped) return;
    rescan = false;
    for (const chat of deps.outbox.dueChats(deps.now(), 500)) {
      if (busy.size >= maxChats) {
        rescan = true;
        break;
      }
      const key = `${chat.platform}\u0000${chat.address}`;
      if (busy.has(key)) {
        rescan = true; // a running chain will pick it up, but make sure by looking again
        continue;
      }
      startChain(chat.platform, chat.address);
    }
    armTimer();
  }

  function armTimer() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stopped) return;
    const next = deps.outbox.nextDueAt();
    if (next === null) return;
    timer = setTimeout(kick, Math.max(10, next - deps.now()));
    timer.unref();
  }

  function kick() {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(drain);
  }

  return {
    kick,
    /** The platform is reachable again (e.g. WhatsApp reconnected): send what waited for it now. */
    platformUp(platform: Platform): void {
      deps.outbox.wakePlatform(platform, deps.now());
      kick();
    },
    /** Resolves once this chat has nothing left to send (what it had has gone out or been given up). */
    whenDrained(platform: Platform, address: string): Promise<void> {
      const key = `${platform}\u0000${address}`;
      if (!busy.has(key) && !deps.outbox.nextForAddress(platform, address)) return Promise.resolve();
      return new Promise((resolve) => {
        const list = drainWaiters.get(key) ?? [];
        list.push(resolve);
        drainWaiters.set(key, list);
        kick();
      });
    },
    /** Resolves when nothing due is left to send (what can be sent now has been). */
    async flush(): Promise<void> {
      for (let i = 0; i < 1000 && !stopped; i++) {
        drain();
        if (chains.size === 0) {
          if (deps.outbox.dueChats(deps.now(), 1).length === 0 || busy.size > 0) return;
          continue;
        }
        await Promise.all([...chains]);
      }
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all([...chains]);
    },
  };
}
export type OutboxSender = ReturnType<typeof createOutboxSender>;
