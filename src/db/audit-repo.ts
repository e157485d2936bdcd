import type { Db } from "./open.ts";

export interface AuditRow {
  id: number;
  actor: string;
  action: string;
  details: string;
  created_at: number;
}

/** Every admin action, with who did it (docs/architecture.md). */
export function createAuditRepo(db: Db) {
  const insert = db.prepare<[string, string, string, number]>("INSERT INTO audit (actor, action, details, created_at) VALUES (?, ?, ?, ?)");
  const newest = db.prepare<[number], AuditRow>("SELECT * FROM audit ORDER BY id DESC LIMIT ?");
  const before = db.prepare<[number, number], AuditRow>("SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?");
  return {
    record: (actor: string, action: string, details: Record<string, unknown>, now: number) => insert.run(actor, action, JSON.stringify(details), now),
    /** Newest first, `limit` entries older than entry `beforeId` when given (the dashboard's audit pages). */
    page: (limit: number, beforeId?: number) => (beforeId === undefined ? newest.all(limit) : before.all(beforeId, limit)),
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
