import type { Db } from "./open.ts";

/** Every admin action, with who did it (docs/architecture.md). */
export function createAuditRepo(db: Db) {
  const insert = db.prepare<[string, string, string, number]>("INSERT INTO audit (actor, action, details, created_at) VALUES (?, ?, ?, ?)");
  return {
    record: (actor: string, action: string, details: Record<string, unknown>, now: number) => insert.run(actor, action, JSON.stringify(details), now),
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
