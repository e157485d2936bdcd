import type { Db } from "./open.ts";
import type { InboxRow } from "./telegram-inbox-repo.ts";

/** An inbound message as the webhook stores it. */
export interface CloudInboundMessage {
  wamid: string;
  waId: string;
  /** The one message as Meta sent it (with the sender's profile name), JSON. */
  payload: string;
  /** Meta's timestamp of the message, in milliseconds. */
  sentAt: number;
}

export interface CloudStatus {
  wamid: string;
  status: string;
  recipient: string;
  /** Meta's timestamp, in milliseconds. */
  at: number;
  errorCode: number | null;
  errorDetail: string | null;
}

export interface CloudContact {
  wa_id: string;
  last_inbound_at: number;
  window_closed_at: number | null;
}

/**
 * The WhatsApp Cloud transport's tables (migration 009, docs/whatsapp-cloud.md): the inbox (rows
 * read in the shape the inbox worker of transports/telegram/update-worker.ts takes: `update_id` is
 * the arrival order, `chat_key` the sender), each person's window, and delivery statuses.
 */
export function createWhatsappCloudRepo(db: Db) {
  const insertInbound = db.prepare<[string, string, string, number, number]>(
    "INSERT OR IGNORE INTO whatsapp_cloud_inbox (wamid, wa_id, payload, sent_at, received_at) VALUES (?, ?, ?, ?, ?)",
  );
  const inboxColumns = "id AS update_id, wa_id AS chat_key, payload, received_at, processed_at, attempts, next_attempt_at, last_error";
  const byRowid = db.prepare<[number], InboxRow>(`SELECT ${inboxColumns} FROM whatsapp_cloud_inbox WHERE id = ?`);
  const unprocessed = db.prepare<[], InboxRow>(`SELECT ${inboxColumns} FROM whatsapp_cloud_inbox WHERE processed_at IS NULL ORDER BY id`);
  const markProcessed = db.prepare<[number, string | null, number]>(
    "UPDATE whatsapp_cloud_inbox SET processed_at = ?, last_error = ? WHERE id = ? AND processed_at IS NULL",
  );
  const markRetry = db.prepare<[number, string, number]>(
    "UPDATE whatsapp_cloud_inbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
  );
  const pruneInbox = db.prepare<[number]>("DELETE FROM whatsapp_cloud_inbox WHERE processed_at IS NOT NULL AND processed_at < ?");
  const unprocessedCount = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM whatsapp_cloud_inbox WHERE processed_at IS NULL");

  // The latest message wins: webhooks may arrive out of order.
  const touchContact = db.prepare<[string, number]>(
    `INSERT INTO whatsapp_cloud_contacts (wa_id, last_inbound_at) VALUES (?, ?)
     ON CONFLICT(wa_id) DO UPDATE SET last_inbound_at = MAX(last_inbound_at, excluded.last_inbound_at)`,
  );
  const contact = db.prepare<[string], CloudContact>("SELECT * FROM whatsapp_cloud_contacts WHERE wa_id = ?");
  const closeWindow = db.prepare<[string, number, number]>(
    `INSERT INTO whatsapp_cloud_contacts (wa_id, last_inbound_at, window_closed_at) VALUES (?, 0, ?)
     ON CONFLICT(wa_id) DO UPDATE SET window_closed_at = MAX(COALESCE(window_closed_at, 0), ?)`,
  );

  const insertStatus = db.prepare<[string, string, string, number, number, number | null, string | null]>(
    `INSERT OR IGNORE INTO whatsapp_cloud_statuses (wamid, status, recipient, at, received_at, error_code, error_detail)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const statusesOf = db.prepare<[string], { status: string; error_code: number | null; error_detail: string | null; at: number }>(
    "SELECT status, error_code, error_detail, at FROM whatsapp_cloud_statuses WHERE wamid = ? ORDER BY at, status",
  );
  const pruneStatuses = db.prepare<[number]>("DELETE FROM whatsapp_cloud_statuses WHERE received_at < ?");

  return {
    /**
     * Stores new inbound messages (a re-delivered wamid is ignored) and moves each sender's window;
     * returns the rows that were new. Runs inside the caller's transaction.
     */
    storeInbound(messages: readonly CloudInboundMessage[], now: number): InboxRow[] {
      const added: InboxRow[] = [];
      for (const m of messages) {
        touchContact.run(m.waId, m.sentAt);
        const info = insertInbound.run(m.wamid, m.waId, m.payload, m.sentAt, now);
        if (info.changes === 1) added.push(byRowid.get(Number(info.lastInsertRowid))!);
      }
      return added;
    },
    unprocessed: () => unprocessed.all(),
    markProcessed: (id: number, now: number, error: string | null = null) => markProcessed.run(now, error, id).changes === 1,
    markRetry: (id: number, nextAttemptAt: number, error: string) => markRetry.run(nextAttemptAt, error, id),
    unprocessedCount: () => unprocessedCount.get()?.n ?? 0,
    contact: (waId: string) => contact.get(waId),
    /** Meta said the window is closed (131047): closed until the person writes again. */
    closeWindow: (waId: string, at: number) => void closeWindow.run(waId, at, at),
    /** True when this status of this message is new (Meta re-delivers statuses too). */
    recordStatus: (s: CloudStatus, now: number) => insertStatus.run(s.wamid, s.status, s.recipient, s.at, now, s.errorCode, s.errorDetail).changes === 1,
    statusesOf: (wamid: string) => statusesOf.all(wamid),
    /** Handled inbox rows (kept past Meta's 7 days of re-delivery) and old statuses are dropped. */
    prune(inboxBefore: number, statusesBefore: number): number {
      return pruneInbox.run(inboxBefore).changes + pruneStatuses.run(statusesBefore).changes;
    },
  };
}
export type WhatsappCloudRepo = ReturnType<typeof createWhatsappCloudRepo>;
