import type { Db } from "./open.ts";
import type { OutboundMessage, Platform } from "../domain/messages.ts";

export interface OutboxRow {
  id: number;
  platform: Platform;
  address: string;
  user_id: number | null;
  priority: number;
  payload: string;
  tag: string | null;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  sent_at: number | null;
  failed_at: number | null;
  last_error: string | null;
  sent_message_id: string | null;
}

export function createOutboxRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO outbox (platform, address, user_id, priority, payload, tag, created_at, next_attempt_at)
     VALUES (@platform, @address, @userId, @priority, @payload, @tag, @now, @now)`,
  );
  // Only the chats, not the messages: the sender walks each chat's rows itself, in order.
  const dueChats = db.prepare<[number, number], { platform: Platform; address: string }>(
    `SELECT platform, address FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
     GROUP BY platform, address ORDER BY MIN(priority), MIN(id) LIMIT ?`,
  );
  const unsentForAddress = db.prepare<[string, string], OutboxRow>(
    "SELECT * FROM outbox WHERE platform = ? AND address = ? AND sent_at IS NULL AND failed_at IS NULL ORDER BY id",
  );
  const nextForAddress = db.prepare<[string, string], OutboxRow>(
    "SELECT * FROM outbox WHERE platform = ? AND address = ? AND sent_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT 1",
  );
  const markSent = db.prepare<[number, string | null, number]>("UPDATE outbox SET sent_at = ?, sent_message_id = ? WHERE id = ?");
  const replacePayload = db.prepare<[string, number]>("UPDATE outbox SET payload = ? WHERE id = ?");
  const markRetry = db.prepare<[number, string, number]>("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?");
  const wakePlatform = db.prepare<[number, string, number]>(
    "UPDATE outbox SET next_attempt_at = ? WHERE platform = ? AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at > ?",
  );
  const postpone = db.prepare<[number, string, number]>("UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?");
  const markFailed = db.prepare<[number, string, number]>("UPDATE outbox SET failed_at = ?, last_error = ? WHERE id = ?");
  const lastSentWithTag = db.prepare<[string, string, string], { sent_message_id: string | null }>(
    `SELECT sent_message_id FROM outbox WHERE platform = ? AND address = ? AND tag = ? AND sent_at IS NOT NULL
     ORDER BY id DESC LIMIT 1`,
  );
  const nextDueAt = db.prepare<[], { at: number | null }>("SELECT MIN(next_attempt_at) AS at FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL");
  const wakeChat = db.prepare<[number, string, string, number]>(
    "UPDATE outbox SET next_attempt_at = ? WHERE platform = ? AND address = ? AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at > ?",
  );
  const sentWithMessageId = db.prepare<[string, string], OutboxRow>(
    "SELECT * FROM outbox WHERE platform = ? AND sent_message_id = ? AND sent_at IS NOT NULL ORDER BY id DESC LIMIT 1",
  );
  const unsentCount = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL");

  return {
    /** Called inside the state change's transaction. */
    enqueue(p: { platform: Platform; address: string; userId: number | null; message: OutboundMessage; priority?: number; now: number }): number {
      return Number(
        insert.run({
          platform: p.platform,
          address: p.address,
          userId: p.userId,
          priority: p.priority ?? 0,
          payload: JSON.stringify(p.message),
          // A picture is never the message a later tagged one edits (docs/delivery.md#the-outbox).
          tag: p.message.image === undefined ? (p.message.tag ?? null) : null,
          now: p.now,
        }).lastInsertRowid,
      );
    },
    dueChats: (now: number, limit: number) => dueChats.all(now, limit),
    nextForAddress: (platform: Platform, address: string) => nextForAddress.get(platform, address),
    /** Every unsent row of one chat, in order. */
    unsentForAddress: (platform: Platform, address: string) => unsentForAddress.all(platform, address),
    markSent: (id: number, now: number, messageId: string | null) => markSent.run(now, messageId, id),
    /** What is kept of a sent message (OutboundMessage.afterSent). */
    replacePayload: (id: number, payload: string) => replacePayload.run(payload, id),
    markRetry: (id: number, nextAttemptAt: number, error: string) => markRetry.run(nextAttemptAt, error, id),
    markFailed: (id: number, now: number, error: string) => markFailed.run(now, error, id),
    /** A platform came back: what waited for it is due now. */
    wakePlatform: (platform: Platform, now: number) => wakePlatform.run(now, platform, now).changes,
    /** Later, without using up an attempt (the platform was down, nothing was sent). */
    postpone: (id: number, nextAttemptAt: number, error: string) => postpone.run(nextAttemptAt, error, id),
    lastSentMessageIdWithTag: (platform: Platform, address: string, tag: string) => lastSentWithTag.get(platform, address, tag)?.sent_message_id ?? null,
    nextDueAt: () => nextDueAt.get()?.at ?? null,
    /** One chat's held messages are due now (the person wrote: WhatsApp's window is open again). */
    wakeChat: (platform: Platform, address: string, now: number) => wakeChat.run(now, platform, address, now).changes,
    /** The sent row a platform's delivery report names (a WhatsApp Cloud failed status). */
    sentWithMessageId: (platform: Platform, messageId: string) => sentWithMessageId.get(platform, messageId),
    unsentCount: () => unsentCount.get()?.n ?? 0,
  };
}
export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
