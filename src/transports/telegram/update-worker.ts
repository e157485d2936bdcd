import type { Logger } from "pino";
import { backoffMs } from "../../shared/backoff.ts";
import type { InboxRow, TelegramInbox } from "../../db/telegram-inbox-repo.ts";

export interface UpdateWorkerOptions {
  inbox: TelegramInbox;
  /** Where the worker's own writes go (a group commit in the app; run at once in unit tests). */
  commit?: (work: () => void) => Promise<void>;
  /** Handles one stored update; throwing leaves it for a later attempt. */
  process: (row: InboxRow) => Promise<void>;
  log: Logger;
  now?: () => number;
  /** Chats handled at the same time. */
  maxInFlight?: number;
  /** Attempts before an update that keeps failing is set aside (marked processed with its error). */
  maxAttempts?: number;
  onProcessed?: (updateId: number) => void;
}

/**
 * Works through the inbox: one chat's updates strictly in update_id order (only the earliest
 * unprocessed row of a chat runs, and a failed one holds the rest of its chat back until its
 * retry), different chats concurrently. Rows are marked processed only after the engine is done
 * with them, so what a crash interrupts is handled again on the next start; the engine's inbound
 * ids make that harmless.
 */
export function createUpdateWorker(options: UpdateWorkerOptions) {
  const { inbox, log } = options;
  const now = options.now ?? Date.now;
  const maxInFlight = options.maxInFlight ?? 64;
  const maxAttempts = options.maxAttempts ?? 5;
  /** update_id → chat key of the rows running now (at most one per chat). */
  const running = new Map<number, string>();
  const busyChats = new Set<string>();
  const tasks = new Set<Promise<void>>();
  let scheduled = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let idleWaiters: (() => void)[] = [];

  const commit = options.commit ?? (async (work: () => void) => work());

  async function recordFailure(row: InboxRow, err: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const message = err instanceof Error ? err.message : String(err);
    if (attempts >= maxAttempts) {
      await commit(() => void inbox.markProcessed(row.update_id, now(), message));
      log.error({ err, updateId: row.update_id, attempts }, "telegram update set aside after repeated failures");
    } else {
      await commit(() => void inbox.markRetry(row.update_id, now() + backoffMs(row.attempts, { firstMs: 1_000, capMs: 60_000 }), message));
      log.warn({ err, updateId: row.update_id, attempts }, "telegram update failed; will retry");
    }
  }

  async function handle(row: InboxRow): Promise<void> {
    try {
      try {
        await options.process(row);
      } catch (err) {
        await recordFailure(row, err);
        return;
      }
      await commit(() => void inbox.markProcessed(row.update_id, now()));
    } catch (err) {
      // Could not even record the outcome: the row stays unprocessed and is looked at again.
      log.error({ err, updateId: row.update_id }, "could not record a telegram update's outcome");
    }
  }

  function dispatch(row: InboxRow, key: string): void {
    running.set(row.update_id, key);
    busyChats.add(key);
    const task = handle(row).finally(() => {
      running.delete(row.update_id);
      busyChats.delete(key);
      tasks.delete(task);
      options.onProcessed?.(row.update_id);
      kick();
    });
    tasks.add(task);
  }

  function dispatchDue(): void {
    const t = now();
    for (const row of inbox.heads(maxInFlight + 500)) {
      if (running.size >= maxInFlight) break;
      const key = row.chat_key ?? `update:${row.update_id}`;
      if (running.has(row.update_id) || row.next_attempt_at > t) continue;
      dispatch(row, key);
    }
  }

  function armTimer(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stopped) return;
    const next = inbox.nextDueAt();
    if (next === null || next <= now()) return;
    timer = setTimeout(kick, next - now());
    timer.unref();
  }

  function scan(): void {
    scheduled = false;
    if (stopped) return;
    try {
      dispatchDue();
      armTimer();
    } catch (err) {
      // The database is unavailable for a moment (busy, disk): look again soon rather than crash.
      log.error({ err }, "telegram inbox scan failed; retrying");
      if (timer) clearTimeout(timer);
      timer = setTimeout(kick, 1_000);
      timer.unref();
      return;
    }
    if (running.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  function kick(): void {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(scan);
  }

  async function settle(): Promise<void> {
    while (tasks.size > 0) await Promise.all([...tasks]);
  }

  return {
    /** Looks for stored updates to handle (after a batch was stored, and at start-up). */
    kick,
    /** Whether this chat has an update being handled now. */
    isBusy: (chatKey: string) => busyChats.has(chatKey),
    /** Resolves once nothing stored and due is waiting or running. */
    idle(): Promise<void> {
      if (stopped) return settle();
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        kick();
      });
    },
    /** Takes no new rows and waits for the ones in flight; the rest stay stored for the next start. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await settle();
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    },
  };
}
export type UpdateWorker = ReturnType<typeof createUpdateWorker>;
