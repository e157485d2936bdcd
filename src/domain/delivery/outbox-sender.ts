import type { Logger } from "pino";
import type { GroupCommitter } from "../../db/group-commit.ts";
import type { OutboxRepo, OutboxRow } from "../../db/outbox-repo.ts";
import { backoffMs } from "../../shared/backoff.ts";
import { readJson } from "../../shared/json.ts";
import type { OutboundMessage, Platform } from "../messages.ts";
import type { MessageSender } from "./message-sender.ts";
import { type SendError, sendFailureOf } from "./send-error.ts";

const MAX_ATTEMPTS = 8;
/** How long a message waits for a platform that is not running in this process (yet). */
const NO_SENDER_RETRY_MS = 30_000;

/** An unsent outbox row as the sender holds it. */
export interface QueuedMessage {
  id: number;
  platform: Platform;
  address: string;
  userId: number | null;
  message: OutboundMessage;
  attempts: number;
  nextAttemptAt: number;
}

/** What the outbox keeps of a sent message that asked not to be kept whole (OutboundMessage.afterSent). */
function keptAfterSending({ afterSent, ...message }: OutboundMessage): OutboundMessage {
  return afterSent === undefined ? message : { ...message, text: afterSent };
}

function fromRow(row: OutboxRow): QueuedMessage | null {
  const message = readJson(row.payload) as OutboundMessage | undefined;
  if (message === undefined || typeof message.text !== "string") return null;
  return { id: row.id, platform: row.platform, address: row.address, userId: row.user_id, message, attempts: row.attempts, nextAttemptAt: row.next_attempt_at };
}

/**
 * Sends the outbox (docs/delivery.md#the-outbox): one chat's messages strictly in order, chats at
 * once. A row is marked sent (in a group commit) before the chat's next one goes, so a crash between
 * a send and its mark repeats that one message, never drops it. Each chat's unsent rows are held in
 * memory: a commit that wrote one hands it over (`queue`), and a scan of the table finds the rest
 * (at start-up, after a retry delay, when a platform comes back, after writes made outside a group
 * commit).
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
  const queues = new Map<string, QueuedMessage[]>();
  const known = new Set<number>();
  const busy = new Set<string>();
  /** The platform id of the last message sent with a tag, per chat (so an edit finds it without a query). */
  const lastTagged = new Map<string, string | null>();
  const drainWaiters = new Map<string, (() => void)[]>();
  const chains = new Set<Promise<void>>();
  const maxChats = deps.maxChats ?? 64;
  let scanScheduled = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const keyOf = (platform: Platform, address: string) => `${platform}\u0000${address}`;
  const mark = (work: () => void) => deps.commits.run(work);

  function add(item: QueuedMessage): void {
    if (known.has(item.id)) return;
    known.add(item.id);
    const key = keyOf(item.platform, item.address);
    const queue = queues.get(key);
    if (queue === undefined) {
      queues.set(key, [item]);
      return;
    }
    queue.push(item);
    // Rows arrive in order; one found by a scan may be older than those handed over.
    if (queue[queue.length - 2]!.id > item.id) queue.sort((a, b) => a.id - b.id);
  }

  function done(key: string, item: QueuedMessage): void {
    const queue = queues.get(key);
    const at = queue?.indexOf(item) ?? -1;
    if (at >= 0) queue!.splice(at, 1);
    if (queue?.length === 0) queues.delete(key);
    known.delete(item.id);
  }

  function replaceable(item: QueuedMessage): string | null {
    const tag = item.message.tag;
    // A picture neither replaces a message nor is replaced: a photo's text cannot be edited as text.
    if (tag === undefined || item.message.image !== undefined) return null;
    const key = `${keyOf(item.platform, item.address)}\u0000${tag}`;
    if (!lastTagged.has(key)) lastTagged.set(key, deps.outbox.lastSentMessageIdWithTag(item.platform, item.address, tag));
    return lastTagged.get(key) ?? null;
  }

  /** Sends one message; true when the chat may go on to its next. */
  async function sendOne(key: string, item: QueuedMessage): Promise<boolean> {
    const sender = senders.get(item.platform);
    if (!sender) {
      // The platform is not running (yet, or in this process): keep the message, without using up an attempt.
      item.nextAttemptAt = deps.now() + NO_SENDER_RETRY_MS;
      await mark(() => deps.outbox.postpone(item.id, item.nextAttemptAt, `no sender for ${item.platform}`));
      return false;
    }
    try {
      const id = await sender.send(item.address, item.message, replaceable(item));
      await mark(() => {
        deps.outbox.markSent(item.id, deps.now(), id);
        if (item.message.afterSent !== undefined) deps.outbox.replacePayload(item.id, JSON.stringify(keptAfterSending(item.message)));
      });
      if (item.message.tag !== undefined && item.message.image === undefined) lastTagged.set(`${key}\u0000${item.message.tag}`, id);
      done(key, item);
      return true;
    } catch (err) {
      const kind = sendFailureOf(err);
      const text = err instanceof Error ? err.message : String(err);
      // Nothing sent, or the platform is out of reach: an outage delays a notice, never drops it.
      if (kind === "retry_after" || kind === "account_limited" || kind === "unreachable") {
        item.nextAttemptAt = deps.now() + (err as SendError).retryAfterMs;
        await mark(() => deps.outbox.postpone(item.id, item.nextAttemptAt, text));
        return false;
      }
      if (kind === "permanent" || kind === "blocked" || item.attempts + 1 >= MAX_ATTEMPTS) {
        await mark(() => deps.outbox.markFailed(item.id, deps.now(), text));
        done(key, item);
        if (kind === "blocked" && item.userId !== null) deps.onBlocked?.(item.userId);
        deps.log.warn({ err, outboxId: item.id, platform: item.platform }, "message given up");
        return true; // the next message of the chat may still go
      }
      item.nextAttemptAt = deps.now() + backoffMs(item.attempts, { firstMs: 1_000, capMs: 60_000 });
      item.attempts += 1;
      await mark(() => deps.outbox.markRetry(item.id, item.nextAttemptAt, text));
      deps.log.warn({ err, outboxId: item.id, platform: item.platform, attempt: item.attempts }, "send failed; will retry");
      return false;
    }
  }

  function startChain(platform: Platform, address: string): void {
    const key = keyOf(platform, address);
    if (busy.has(key) || stopped) return;
    busy.add(key);
    const chain = (async () => {
      try {
        for (;;) {
          const item = queues.get(key)?.[0];
          if (item === undefined || item.nextAttemptAt > deps.now()) break;
          if (!(await sendOne(key, item))) break;
        }
      } catch (err) {
        // The database refused for a moment: the rows stay unsent and are looked at again.
        deps.log.error({ err, platform }, "outbox chain failed; will retry");
        scheduleScan(1_000);
      } finally {
        busy.delete(key);
        armTimer();
        const waiters = drainWaiters.get(key);
        if (waiters && (queues.get(key)?.length ?? 0) === 0) {
          drainWaiters.delete(key);
          for (const w of waiters) w();
        }
      }
    })();
    chains.add(chain);
    void chain.finally(() => chains.delete(chain));
  }

  /** Reads what is due from the table (rows this process was not handed) and starts their chats. */
  function scan(): void {
    scanScheduled = false;
    if (stopped) return;
    try {
      for (const chat of deps.outbox.dueChats(deps.now(), 500)) {
        for (const row of deps.outbox.unsentForAddress(chat.platform, chat.address)) {
          const item = fromRow(row);
          if (item) add(item);
          // A payload that cannot be read will never send: given up, not retried forever.
          else void mark(() => deps.outbox.markFailed(row.id, deps.now(), "unreadable payload"));
        }
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

  /** Wakes up for the earliest message held back (a retry, a postponed one), if any. */
  function armTimer(): void {
    if (stopped) return;
    let next = Infinity;
    for (const [key, queue] of queues) if (!busy.has(key)) next = Math.min(next, queue[0]!.nextAttemptAt);
    if (timer) clearTimeout(timer);
    timer = null;
    if (next === Infinity) return;
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
      for (const queue of queues.values())
        for (const item of queue) if (item.platform === platform) item.nextAttemptAt = Math.min(item.nextAttemptAt, deps.now());
      kick();
    },
    /** The sender registered for a platform (tests, diagnostics). */
    senderOf: (platform: Platform) => senders.get(platform),
    /** A committed row, handed over by the commit that wrote it: sent without reading it back. */
    queue(item: QueuedMessage): void {
      add(item);
      startChain(item.platform, item.address);
    },
    kick,
    /** The platform is reachable again (e.g. WhatsApp reconnected): send what waited for it now. */
    platformUp(platform: Platform): void {
      deps.outbox.wakePlatform(platform, deps.now());
      for (const queue of queues.values())
        for (const item of queue) if (item.platform === platform) item.nextAttemptAt = Math.min(item.nextAttemptAt, deps.now());
      kick();
    },
    /** One chat's held messages are due now (WhatsApp Cloud: the person wrote, the 24-hour window is open). */
    wake(platform: Platform, address: string): void {
      if (deps.outbox.wakeChat(platform, address, deps.now()) === 0 && !queues.has(keyOf(platform, address))) return;
      for (const item of queues.get(keyOf(platform, address)) ?? []) item.nextAttemptAt = Math.min(item.nextAttemptAt, deps.now());
      kick();
    },
    /** Resolves once this chat has nothing left to send (what it had has gone out or been given up). */
    whenDrained(platform: Platform, address: string): Promise<void> {
      const key = keyOf(platform, address);
      if (!busy.has(key) && (queues.get(key)?.length ?? 0) === 0) return Promise.resolve();
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
