import type { Db } from "./open.ts";

/** A payer's /isi request, approved or rejected by an admin. */
export function createTopupRequestsRepo(db: Db) {
  const insert = db.prepare<[number, number, number]>("INSERT INTO topup_requests (user_id, amount, status, created_at) VALUES (?, ?, 'pending', ?)");
  const get = db.prepare<[number], { id: number; user_id: number; amount: number; status: string; created_at: number }>(
    "SELECT * FROM topup_requests WHERE id = ?",
  );
  const decide = db.prepare<[string, string, number, number]>(
    "UPDATE topup_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
  );
  const waiting = db.prepare<[number], { id: number; user_id: number; amount: number; created_at: number; public_id: string }>(
    "SELECT r.id, r.user_id, r.amount, r.created_at, u.public_id FROM topup_requests r JOIN users u ON u.id = r.user_id WHERE r.status = 'pending' ORDER BY r.id LIMIT ?",
  );
  const waitingCount = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM topup_requests WHERE status = 'pending'");
  const pending = db.prepare<[number], { id: number }>("SELECT id FROM topup_requests WHERE user_id = ? AND status = 'pending' LIMIT 1");
  return {
    create: (userId: number, amount: number, now: number) => Number(insert.run(userId, amount, now).lastInsertRowid),
    pendingFor: (userId: number) => pending.get(userId) !== undefined,
    get: (id: number) => get.get(id),
    /** Compare-and-set: only one admin's tap decides a request. */
    decide: (id: number, status: "approved" | "rejected", by: string, now: number) => decide.run(status, by, now, id).changes === 1,
    /** Requests still waiting for an admin, oldest first (the dashboard's queue). */
    waiting: (limit: number) => waiting.all(limit),
    waitingCount: () => waitingCount.get()?.n ?? 0,
  };
}
export type TopupRequestsRepo = ReturnType<typeof createTopupRequestsRepo>;
