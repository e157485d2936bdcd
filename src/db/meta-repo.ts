import type { Db } from "./open.ts";

/** Small named values the bot keeps between runs (when an alert of a kind was last sent). */
export function createMetaRepo(db: Db) {
  const get = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?");
  const put = db.prepare<[string, string]>("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  return {
    get: (key: string): string | null => get.get(key)?.value ?? null,
    set: (key: string, value: string) => void put.run(key, value),
  };
}
export type MetaRepo = ReturnType<typeof createMetaRepo>;
