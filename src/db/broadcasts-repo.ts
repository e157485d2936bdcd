import type { Db } from "./open.ts";
import type { Platform } from "../domain/messages.ts";

export type Audience = "all" | "telegram" | "whatsapp";
export type BroadcastStatus = "draft" | "running" | "paused" | "cancelled" | "done";
export type RecipientState = "pending" | "sending" | "sent" | "failed" | "blocked" | "skipped";

export interface BroadcastRow {
  id: number;
  created_by: string;
  admin_platform: Platform;
  admin_address: string;
  admin_user_id: number | null;
  audience: Audience;
  text: string;
  status: BroadcastStatus;
  pause_reason: string | null;
  total: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface RecipientRow {
  broadcast_id: number;
  user_id: number;
  platform: Platform;
  address: string;
  state: RecipientState;
  locale: string | null;
}

const AUDIENCE_FILTER: Record<Audience, string> = {
  all: "1 = 1",
  telegram: "u.platform = 'telegram'",
  whatsapp: "u.platform = 'whatsapp'",
};

/** Broadcast rows and their recipients; recipients are only ever read in pages. */
export function createBroadcastRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO broadcasts (created_by, admin_platform, admin_address, admin_user_id, audience, text, status, total, created_at)
     VALUES (@createdBy, @adminPlatform, @adminAddress, @adminUserId, @audience, @text, 'draft', @total, @now)`,
  );
  const get = db.prepare<[number], BroadcastRow>("SELECT * FROM broadcasts WHERE id = ?");
  const latest = db.prepare<[], BroadcastRow>("SELECT * FROM broadcasts WHERE status != 'draft' ORDER BY id DESC LIMIT 1");
  const running = db.prepare<[], BroadcastRow>("SELECT * FROM broadcasts WHERE status = 'running' ORDER BY id");
  const setStatus = db.prepare<{ id: number; from: string; to: BroadcastStatus; reason: string | null; now: number }>(
    `UPDATE broadcasts SET status = @to, pause_reason = @reason,
       started_at = CASE WHEN @to = 'running' AND started_at IS NULL THEN @now ELSE started_at END,
       finished_at = CASE WHEN @to IN ('done', 'cancelled') THEN @now ELSE finished_at END
     WHERE id = @id AND status = @from`,
  );
  const counts = db.prepare<[number], { state: RecipientState; n: number }>(
    "SELECT state, COUNT(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY state",
  );
  const lanes = db.prepare<[number], { platform: Platform }>("SELECT DISTINCT platform FROM broadcast_recipients WHERE broadcast_id = ? AND state = 'pending'");
  const page = db.prepare<[number, string, number], RecipientRow>(
    // INDEXED BY: walking the primary key in user_id order would step over every row already sent (quadratic).
    `SELECT r.broadcast_id, r.user_id, r.platform, r.address, r.state, u.locale FROM broadcast_recipients r
     INDEXED BY broadcast_recipients_lane JOIN users u ON u.id = r.user_id
     WHERE r.broadcast_id = ? AND r.platform = ? AND r.state = 'pending' ORDER BY r.user_id LIMIT ?`,
  );
  const claim = db.prepare<[number, number, number]>(
    "UPDATE broadcast_recipients SET state = 'sending', updated_at = ? WHERE broadcast_id = ? AND user_id = ? AND state = 'pending'",
  );
  const finish = db.prepare<[string, string | null, number, string | null, number, number]>(
    "UPDATE broadcast_recipients SET state = ?, error = ?, updated_at = ?, sent_message_id = ? WHERE broadcast_id = ? AND user_id = ? AND state = 'sending'",
  );
  const bySentMessage = db.prepare<[string, string], { broadcast_id: number; user_id: number; state: RecipientState; updated_at: number }>(
    "SELECT broadcast_id, user_id, state, updated_at FROM broadcast_recipients WHERE platform = ? AND sent_message_id = ? LIMIT 1",
  );
  const refusedAfterSent = db.prepare<[string, number, number, number]>(
    "UPDATE broadcast_recipients SET state = 'failed', error = ?, updated_at = ? WHERE broadcast_id = ? AND user_id = ? AND state = 'sent'",
  );
  const orphans = db.prepare<[string, number]>("UPDATE broadcast_recipients SET state = 'failed', error = ?, updated_at = ? WHERE state = 'sending'");
  const newest = db.prepare<[number], BroadcastRow>("SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?");
  const older = db.prepare<[number, number], BroadcastRow>("SELECT * FROM broadcasts WHERE id < ? ORDER BY id DESC LIMIT ?");
  const sentSince = db.prepare<[string, number], { n: number }>(
    "SELECT COUNT(*) AS n FROM broadcast_recipients WHERE platform = ? AND state = 'sent' AND updated_at >= ?",
  );

  return {
    /** A draft with its recipient count, so the admin sees the number before confirming. */
    createDraft(p: {
      createdBy: string;
      adminPlatform: Platform;
      adminAddress: string;
      adminUserId: number | null;
      audience: Audience;
      text: string;
      now: number;
    }): BroadcastRow {
      const total = (db.prepare(`SELECT COUNT(*) AS n FROM users u WHERE ${AUDIENCE_FILTER[p.audience]} AND u.erased_at IS NULL`).get() as { n: number }).n;
      const id = Number(insert.run({ ...p, total }).lastInsertRowid);
      return get.get(id)!;
    },
    /**
     * Materialises the recipients in one INSERT … SELECT (no list in memory). Opted-out users are
     * `skipped` and users who blocked the bot `blocked` from the start.
     */
    start(id: number, now: number): number {
      const b = get.get(id);
      if (!b || b.status !== "draft") return 0;
      const inserted = db
        .prepare(
          `INSERT INTO broadcast_recipients (broadcast_id, user_id, platform, address, state, updated_at)
           SELECT ?, u.id, u.platform, u.address,
                  CASE WHEN u.broadcast_opt_out = 1 THEN 'skipped' WHEN u.blocked = 1 THEN 'blocked' ELSE 'pending' END, ?
           FROM users u WHERE ${AUDIENCE_FILTER[b.audience]} AND u.erased_at IS NULL`,
        )
        .run(id, now).changes;
      db.prepare("UPDATE broadcasts SET total = ? WHERE id = ?").run(inserted, id);
      setStatus.run({ id, from: "draft", to: "running", reason: null, now });
      return inserted;
    },
    get: (id: number) => get.get(id),
    latest: () => latest.get(),
    running: () => running.all(),
    setStatus: (id: number, from: BroadcastStatus, to: BroadcastStatus, now: number, reason: string | null = null) =>
      setStatus.run({ id, from, to, reason, now }).changes === 1,
    counts(id: number): Record<RecipientState, number> {
      const out: Record<RecipientState, number> = { pending: 0, sending: 0, sent: 0, failed: 0, blocked: 0, skipped: 0 };
      for (const r of counts.all(id)) out[r.state] = r.n;
      return out;
    },
    pendingLanes: (id: number) => lanes.all(id).map((r) => r.platform),
    page: (id: number, platform: Platform, limit: number) => page.all(id, platform, limit),
    /** At most once per recipient: a row is `sending` before its message leaves. */
    claim: (id: number, userId: number, now: number) => claim.run(now, id, userId).changes === 1,
    finish: (
      id: number,
      userId: number,
      state: "sent" | "failed" | "blocked" | "pending",
      error: string | null,
      now: number,
      messageId: string | null = null,
    ) => finish.run(state, error, now, messageId, id, userId).changes === 1,
    /** The recipient whose message the platform knows by this id (a later report names only the id). */
    bySentMessage: (platform: Platform, messageId: string) => bySentMessage.get(platform, messageId),
    /** A message the platform accepted and then reported undelivered: the recipient failed after all. */
    refusedAfterSent: (id: number, userId: number, error: string, now: number) => refusedAfterSent.run(error, now, id, userId).changes === 1,
    /** After a crash: rows caught in `sending` may have gone out; they are not sent again. */
    failOrphans: (now: number) => orphans.run("interrupted by a restart (not re-sent: at most once)", now).changes,
    sentSince: (platform: Platform, since: number) => sentSince.get(platform, since)?.n ?? 0,
    /** Newest first, `limit` broadcasts older than `beforeId` when given (the dashboard's list). */
    list: (limit: number, beforeId?: number) => (beforeId === undefined ? newest.all(limit) : older.all(beforeId, limit)),
  };
}
export type BroadcastRepo = ReturnType<typeof createBroadcastRepo>;
