import { openDatabase } from "../../src/db/open.ts";
import { createRepos } from "../../src/db/repos.ts";

/**
 * Every SELECT, UPDATE and DELETE the repositories prepare, with SQLite's plan for it (each
 * parameter bound to 1): what the query-plan tests read to catch a walk of a growing table.
 */
export function repositoryQueryPlans(): { sql: string; plan: string }[] {
  const db = openDatabase(":memory:");
  const statements: string[] = [];
  const prepare = db.prepare.bind(db);
  (db as unknown as { prepare: (sql: string) => unknown }).prepare = (sql: string) => {
    statements.push(sql.replace(/\s+/g, " ").trim());
    return prepare(sql);
  };
  createRepos(db);
  const out: { sql: string; plan: string }[] = [];
  for (const sql of statements) {
    if (!/^(SELECT|UPDATE|DELETE)/i.test(sql)) continue;
    const named = sql.match(/@\w+/g);
    const args = named ? [Object.fromEntries(named.map((k) => [k.slice(1), 1]))] : Array((sql.match(/\?/g) ?? []).length).fill(1);
    const plan = (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((p) => p.detail).join(" | ");
    out.push({ sql, plan });
  }
  db.close();
  return out;
}
