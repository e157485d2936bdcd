import type { Logger } from "pino";
import type { GroupCommitter } from "../../db/group-commit.ts";
import type { OutboxRepo, OutboxRow } from "../../db/outbox-repo.ts";
import { backoffMs } from "../../shared/backoff.ts";
import type { OutboundMessage, Platform } from "../messages.ts";
import type { MessageSender } from "./message-sender.ts";
import { type SendError, sendFailureOf } from "./send-error.ts";

const MAX_ATTEMPTS = 8;
/** How long a message waits for a platform that is not running in this process (yet). */
const NO_SENDER_RETRY_MS = 30_000;

/**
 * Sends the outbox (docs/delivery.md): one chat's messages strictly in order, chats concurrently.
 * A row is marked sent (in a group commit) before the chat's next one goes, so a crash between a
 * send and its mark repeats that one message, never drops it. Rows are found two ways: a commit
 * that wrote some names their chats (`wrote`, then `afterCommit`), and a scan for what is due
 * (start-up, retries, a platform coming back).
 */
export function createOutboxSender(deps: {
  outbox: OutboxRepo;
  commits: GroupCommitter;
  now: () => number;
  log: Logger;
  onBlocked?: (userId: number) => void;
  maxChats?: number;
}) {
  const senders = new Map<Platform, MessageSender>();
  const busy = new Set<string>();
  /** Chats a commit wrote to while their chain was running: it looks again before it ends. */
  const again = new Set<string>();
  const written = new Map<string, { platform: Platform; address: string }>();
  const drainWaiters = new Map<string, (() => void)[]>();
  const chains = new Set<Promise<void>>();
  const maxChats = deps.maxChats ?? 64;
  let scanScheduled = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const keyOf = (platform: Platform, address: string) => `${platform}\u0000${address}`;
  const mark = (work: () => void) => deps.commits.run(work);

  async function sendRow(row: OutboxRow): Promise<boolean> {
    const sender = senders.get(row.platform);
    if (!sender) {
      // The platform is not running (yet, or in this process): keep the message, without using up an attempt.
      await mark(() => deps.outbox.postpone(row.id, deps.now() + NO_SENDER_RETRY_MS, `no sender for ${row.platform}`));
      return false;
    }
    const message = JSON.parse(row.payload) as OutboundMessage;
    const replace = message.tag === undefined ? null : deps.outbox.lastSentMessageIdWithTag(row.platform, row.address, message.tag);
    try {
      const id = await sender.send(row.address, message, replace);
      await mark(() => deps.outbox.markSent(row.id, deps.now(), id));
      return true;
    } catch (err) {
      const kind = sendFailureOf(err);
      const text = err instanceof Error ? err.message : String(err);
      // Nothing sent, or the platform is out of reach: an outage delays a notice, never drops it.
      if (kind === "retry_after" || kind === "account_limited" || kind === "unreachable") {
        await mark(() => deps.outbox.postpone(row.id, deps.now() + (err as SendError).retryAfterMs, text));
        return false;
      }
      if (kind === "permanent" || kind === "blocked" || row.attempts + 1 >= MAX_ATTEMPTS) {
        await mark(() => deps.outbox.markFailed(row.id, deps.now(), text));
        if (kind === "blocked" && row.user_id !== null) deps.onBlocked?.(row.user_id);
        deps.log.warn({ err, outboxId: row.id, platform: row.platform }, "message given up");
        return true; // the next message of the chat may still go
      }
      const delay = backoffMs(row.attempts, { firstMs: 1_000, capMs: 60_000 });
      await mark(() => deps.outbox.markRetry(row.id, deps.now() + delay, text));
      deps.log.warn({ err, outboxId: row.id, platform: row.platform, attempt: row.attempts + 1 }, "send failed; will retry");
      armTimer();
      return false;
    }
  }

  function startChain(platform: Platform, address: string): void {
    const key = keyOf(platform, address);
    if (busy.has(key)) {
      again.add(key);
      return;
    }
    if (stopped) return;
    busy.add(key);
    const chain = (async () => {
      try {
        for (;;) {
          again.delete(key);
          const row = deps.outbox.nextForAddress(platform, address);
          if (!row || row.next_attempt_at > deps.now()) {
            if (again.has(key)) continue;
            break;
          }
          if (!(await sendRow(row))) break;
        }
      } catch (err) {
        // The database refused for a moment: the rows stay unsent and are looked at again.
        deps.log.error({ err, platform }, "outbox chain failed; will retry");
        scheduleScan(1_000);
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
      if (again.delete(key)) startChain(platform, address);
    });
  }

  /** Starts a chain for every chat with something due (bounded), then arms a timer for the next. */
  function scan(): void {
    scanScheduled = false;
    if (stopped) return;
    try {
      for (const chat of deps.outbox.dueChats(deps.now(), 500)) {
        if (busy.size >= maxChats) {
          scheduleScan(50);
          break;
        }
        startChain(chat.platform, chat.address);
      }
      armTimer();
    } catch (err) {
      deps.log.error({ err }, "outbox scan failed; retrying");
      scheduleScan(1_000);
    }
  }

  function scheduleScan(delayMs = 0): void {
    if (stopped) return;
    if (delayMs > 0) {
      if (timer) clearTimeout(timer);
      timer = setTimeout(kick, delayMs);
      timer.unref();
      return;
    }
    if (scanScheduled) return;
    scanScheduled = true;
    setImmediate(scan);
  }

  function armTimer(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stopped) return;
    const next = deps.outbox.nextDueAt();
    if (next === null) return;
    timer = setTimeout(kick, Math.max(10, next - deps.now()));
    timer.unref();
  }

  function kick(): void {
    scheduleScan();
  }

  return {
    /** A transport plugs its sender in (at start-up); what waited for it is looked at now. */
    register(platform: Platform, sender: MessageSender): void {
      senders.set(platform, sender);
      deps.outbox.wakePlatform(platform, deps.now());
      kick();
    },
    /** The sender registered for a platform (tests, diagnostics). */
    senderOf: (platform: Platform) => senders.get(platform),
    /** A commit in progress wrote to this chat (the notifier says so). */
    wrote(platform: Platform, address: string): void {
      written.set(keyOf(platform, address), { platform, address });
    },
    /** The commit is done: what it wrote may go now. */
    afterCommit(): void {
      if (written.size === 0) return;
      const chats = [...written.values()];
      written.clear();
      for (const c of chats) startChain(c.platform, c.address);
    },
    kick,
    /** The platform is reachable again (e.g. WhatsApp reconnected): send what waited for it now. */
    platformUp(platform: Platform): void {
      deps.outbox.wakePlatform(platform, deps.now());
      kick();
    },
    /** Resolves once this chat has nothing left to send (what it had has gone out or been given up). */
    whenDrained(platform: Platform, address: string): Promise<void> {
      const key = keyOf(platform, address);
      if (!busy.has(key) && !deps.outbox.nextForAddress(platform, address)) return Promise.resolve();
      return new Promise((resolve) => {
        const list = drainWaiters.get(key) ?? [];
        list.push(resolve);
        drainWaiters.set(key, list);
        startChain(platform, address);
      });
    },
    /** Resolves when nothing due is left to send (what can be sent now has been). */
    async flush(): Promise<void> {
      for (let i = 0; i < 1000 && !stopped; i++) {
        await deps.commits.flush();
        scan();
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
