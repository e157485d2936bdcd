import type { Logger } from "pino";
import type { InboxRow, TelegramInbox } from "../../db/telegram-inbox-repo.ts";
import { backoffMs } from "../../shared/backoff.ts";

export interface UpdateWorkerOptions {
  /** What the worker reads and marks (the Telegram inbox; the WhatsApp Cloud inbox reads its rows in the same shape). */
  inbox: Pick<TelegramInbox, "unprocessed" | "markProcessed" | "markRetry">;
  /** What a row is, in log lines; default "telegram update". */
  label?: string;
  /** Handles one stored update; throwing leaves it for a later attempt. */
  process: (row: InboxRow) => Promise<void>;
  /** Where the worker's own writes go (a group commit in the app; run at once in unit tests). */
  commit?: (work: () => void) => Promise<void>;
  log: Logger;
  now?: () => number;
  /** Chats handled at the same time. */
  maxInFlight?: number;
  /** Attempts before an update that keeps failing is set aside (marked processed with its error). */
  maxAttempts?: number;
  onProcessed?: (updateId: number) => void;
}

/**
 * Works through the inbox (docs/delivery.md#inbound): one chat's updates strictly in update_id
 * order (a failed one holds the rest of its chat back until its retry), different chats at once.
 * The rows themselves are the durable record; the worker keeps each chat's queue in memory, fed
 * by the receiver as it stores rows (`add`) and read whole from the database at start-up and
 * whenever asked to look (`kick`). Rows are marked processed only after the engine is done with
 * them, so what a crash interrupts is handled again on the next start; the engine's inbound ids
 * make that harmless.
 */
export function createUpdateWorker(options: UpdateWorkerOptions) {
  const { inbox, log } = options;
  const now = options.now ?? Date.now;
  const maxInFlight = options.maxInFlight ?? 64;
  const maxAttempts = options.maxAttempts ?? 5;
  const commit = options.commit ?? (async (work: () => void) => work());
  const label = options.label ?? "telegram update";
  /** Each chat's unprocessed rows in update_id order; the head may be running. */
  const queues = new Map<string, InboxRow[]>();
  const known = new Set<number>();
  const busyChats = new Set<string>();
  const tasks = new Set<Promise<void>>();
  let scheduled = false;
  let reload = true;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let idleWaiters: (() => void)[] = [];

  const keyOf = (row: InboxRow) => row.chat_key ?? `update:${row.update_id}`;

  function enqueue(rows: readonly InboxRow[]): void {
    for (const row of rows) {
      if (known.has(row.update_id)) continue;
      known.add(row.update_id);
      const key = keyOf(row);
      const queue = queues.get(key);
      if (queue === undefined) queues.set(key, [row]);
      else {
        queue.push(row);
        // Rows normally arrive in order; a reload may bring an older one.
        if (queue.length > 1 && queue[queue.length - 2]!.update_id > row.update_id) queue.sort((a, b) => a.update_id - b.update_id);
      }
    }
  }

  function finished(row: InboxRow): void {
    const key = keyOf(row);
    const queue = queues.get(key);
    if (queue?.[0]?.update_id === row.update_id) queue.shift();
    if (queue?.length === 0) queues.delete(key);
    known.delete(row.update_id);
  }

  async function recordFailure(row: InboxRow, err: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const message = err instanceof Error ? err.message : String(err);
    if (attempts >= maxAttempts) {
      await commit(() => void inbox.markProcessed(row.update_id, now(), message));
      finished(row);
      log.error({ err, updateId: row.update_id, attempts }, `${label} set aside after repeated failures`);
    } else {
      const at = now() + backoffMs(row.attempts, { firstMs: 1_000, capMs: 60_000 });
      await commit(() => void inbox.markRetry(row.update_id, at, message));
      row.attempts = attempts;
      row.next_attempt_at = at;
      log.warn({ err, updateId: row.update_id, attempts }, `${label} failed; will retry`);
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
      finished(row);
    } catch (err) {
      // Could not even record the outcome: the row stays unprocessed and is looked at again.
      log.error({ err, updateId: row.update_id }, `could not record the outcome of a ${label}`);
      reload = true;
    }
  }

  function dispatch(row: InboxRow, key: string): void {
    busyChats.add(key);
    const task = handle(row).finally(() => {
      busyChats.delete(key);
      tasks.delete(task);
      options.onProcessed?.(row.update_id);
      kick(false);
    });
    tasks.add(task);
  }

  /** Starts the due head of every idle chat; returns when the next not-yet-due head is due. */
  function dispatchDue(): number | null {
    const t = now();
    let nextDue: number | null = null;
    for (const [key, queue] of queues) {
      if (busyChats.has(key)) continue;
      const head = queue[0]!;
      if (head.next_attempt_at > t) {
        nextDue = nextDue === null ? head.next_attempt_at : Math.min(nextDue, head.next_attempt_at);
        continue;
      }
      if (busyChats.size >= maxInFlight) break;
      dispatch(head, key);
    }
    return nextDue;
  }

  function scan(): void {
    scheduled = false;
    if (stopped) return;
    try {
      if (reload) {
        reload = false;
        enqueue(inbox.unprocessed());
      }
      const nextDue = dispatchDue();
      if (timer) clearTimeout(timer);
      timer = null;
      if (nextDue !== null) {
        timer = setTimeout(() => kick(false), Math.max(1, nextDue - now()));
        timer.unref();
      }
    } catch (err) {
      // The database is unavailable for a moment (busy, disk): look again soon rather than crash.
      log.error({ err }, `${label} inbox scan failed; retrying`);
      reload = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => kick(), 1_000);
      timer.unref();
      return;
    }
    if (busyChats.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Looks for work; `fromDatabase` (the default) also reads what is stored but not yet known here. */
  function kick(fromDatabase = true): void {
    if (fromDatabase) reload = true;
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(scan);
  }

  async function settle(): Promise<void> {
    while (tasks.size > 0) await Promise.all([...tasks]);
  }

  return {
    /** Rows just stored by the receiver: handled without reading them back. */
    add(rows: readonly InboxRow[]): void {
      enqueue(rows);
      kick(false);
    },
    /** Reads the stored, unhandled rows and handles what is due (at start-up, in tests). */
    kick: () => kick(true),
    /** Whether this chat has an update being handled now. */
    isBusy: (chatKey: string) => busyChats.has(chatKey),
    /** Resolves once nothing stored and due is waiting or running. */
    idle(): Promise<void> {
      if (stopped) return settle();
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        kick(true);
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
