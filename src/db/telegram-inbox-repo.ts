import type { Db } from "./open.ts";

export interface InboxRow {
  update_id: number;
  chat_key: string | null;
  payload: string;
  received_at: number;
  processed_at: number | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

export interface StoredUpdate {
  updateId: number;
  chatKey: string | null;
  payload: string;
}

/**
 * The Telegram inbox (table telegram_updates): every update is written here before Telegram is
 * told we have it, and marked processed once the engine has handled it.
 */
export function createTelegramInbox(db: Db) {
  // OR IGNORE: a re-delivered update (unconfirmed offset, webhook retry) is already here.
  const insert = db.prepare<[number, string | null, string, number]>(
    "INSERT OR IGNORE INTO telegram_updates (update_id, chat_key, payload, received_at) VALUES (?, ?, ?, ?)",
  );
  // The earliest unprocessed row of each chat: only a chat's head may run, so one chat stays in order.
  const unprocessed = db.prepare<[], InboxRow>("SELECT * FROM telegram_updates WHERE processed_at IS NULL ORDER BY update_id");
  const markProcessed = db.prepare<[number, string | null, number]>(
    "UPDATE telegram_updates SET processed_at = ?, last_error = ? WHERE update_id = ? AND processed_at IS NULL",
  );
  const markRetry = db.prepare<[number, string, number]>(
    "UPDATE telegram_updates SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE update_id = ?",
  );
  const nextDueAt = db.prepare<[], { at: number | null }>("SELECT MIN(next_attempt_at) AS at FROM telegram_updates WHERE processed_at IS NULL");
  const get = db.prepare<[number], InboxRow>("SELECT * FROM telegram_updates WHERE update_id = ?");
  const count = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM telegram_updates WHERE processed_at IS NULL");
  const prune = db.prepare<[number]>("DELETE FROM telegram_updates WHERE processed_at IS NOT NULL AND processed_at < ?");

  const storeAll = db.transaction((rows: readonly StoredUpdate[], now: number): InboxRow[] => {
    const added: InboxRow[] = [];
    for (const r of rows) {
      if (insert.run(r.updateId, r.chatKey, r.payload, now).changes === 1) {
        added.push({
          update_id: r.updateId,
          chat_key: r.chatKey,
          payload: r.payload,
          received_at: now,
          processed_at: null,
          attempts: 0,
          next_attempt_at: 0,
          last_error: null,
        });
      }
    }
    return added;
  });

  return {
    /** Stores a batch in one transaction; returns the rows that were new (a re-delivery is not). */
    store: (rows: readonly StoredUpdate[], now: number): InboxRow[] => storeAll.immediate(rows, now),
    /** The earliest unprocessed row of each chat, due or not, oldest first. */
    /** Every row not yet handled, oldest first (read when the worker starts or is asked to look). */
    unprocessed: () => unprocessed.all(),
    markProcessed: (updateId: number, now: number, error: string | null = null) => markProcessed.run(now, error, updateId).changes === 1,
    markRetry: (updateId: number, nextAttemptAt: number, error: string) => markRetry.run(nextAttemptAt, error, updateId),
    nextDueAt: () => nextDueAt.get()?.at ?? null,
    get: (updateId: number) => get.get(updateId),
    unprocessedCount: () => count.get()?.n ?? 0,
    /** Processed rows are kept a while for re-delivery de-duplication and support, then dropped. */
    pruneProcessedBefore: (before: number) => prune.run(before).changes,
  };
}
export type TelegramInbox = ReturnType<typeof createTelegramInbox>;
