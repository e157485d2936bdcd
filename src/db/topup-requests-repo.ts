import type { Db } from "./open.ts";

/** A payer's /isi request, approved or rejected by an admin. */
export function createTopupRequestsRepo(db: Db) {
  const insert = db.prepare<[number, number, number]>("INSERT INTO topup_requests (user_id, amount, status, created_at) VALUES (?, ?, 'pending', ?)");
  const get = db.prepare<[number], { id: number; user_id: number; amount: number; status: string }>("SELECT * FROM topup_requests WHERE id = ?");
  const decide = db.prepare<[string, string, number, number]>(
    "UPDATE topup_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
  );
  const pending = db.prepare<[number], { id: number }>("SELECT id FROM topup_requests WHERE user_id = ? AND status = 'pending' LIMIT 1");
  return {
    create: (userId: number, amount: number, now: number) => Number(insert.run(userId, amount, now).lastInsertRowid),
    pendingFor: (userId: number) => pending.get(userId) !== undefined,
    get: (id: number) => get.get(id),
    /** Compare-and-set: only one admin's tap decides a request. */
    decide: (id: number, status: "approved" | "rejected", by: string, now: number) => decide.run(status, by, now, id).changes === 1,
  };
}
export type TopupRequestsRepo = ReturnType<typeof createTopupRequestsRepo>;
