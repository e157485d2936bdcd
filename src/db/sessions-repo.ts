import type { Db } from "./open.ts";

export interface SessionRow {
  user_id: number;
  version: number;
  state: string;
  updated_at: number;
}

export function createSessionsRepo(db: Db) {
  const get = db.prepare<[number], SessionRow>("SELECT * FROM sessions WHERE user_id = ?");
  const upsert = db.prepare<[number, number, string, number]>(
    `INSERT INTO sessions (user_id, version, state, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET version = excluded.version, state = excluded.state, updated_at = excluded.updated_at`,
  );
  const withEffect = db.prepare<[], SessionRow>("SELECT * FROM sessions WHERE json_extract(state, '$.effect') IS NOT NULL");
  return {
    get: (userId: number) => get.get(userId),
    save: (userId: number, version: number, state: string, now: number) => upsert.run(userId, version, state, now),
    /** Sessions left waiting on an effect (read once, at start-up, to answer them). */
    withEffect: () => withEffect.all(),
  };
}
export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
