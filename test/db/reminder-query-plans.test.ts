import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.ts";
import { createRepos } from "../../src/db/repos.ts";

/**
 * reminder_runs grows by a few rows per saved number every month: no statement of the reminder
 * repositories may walk it (docs/reminders.md#runs). The planner's read of every enabled setting is
 * the one walk meant, once a day, over reminder_settings.
 */
const ALLOWED = [/FROM reminder_settings r JOIN saved_numbers s ON s\.id = r\.saved_number_id WHERE r\.reminder = 1 OR r\.autopay = 1/];

function plans(): { sql: string; plan: string }[] {
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
    if (!/^(SELECT|UPDATE|DELETE)/i.test(sql) || !/reminder_|customer_number = \? AND product = \? AND status = 'paid'/.test(sql)) continue;
    const named = sql.match(/@\w+/g);
    const args = named ? [Object.fromEntries(named.map((k) => [k.slice(1), 1]))] : Array((sql.match(/\?/g) ?? []).length).fill(1);
    out.push({ sql, plan: (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((p) => p.detail).join(" | ") });
  }
  db.close();
  return out;
}

describe("reminder query plans", () => {
  const all = plans();
  it("sees the reminder repositories' statements", () => {
    expect(all.filter((p) => p.sql.includes("reminder_runs")).length).toBeGreaterThan(15);
  });
  it("no statement walks reminder_runs, reminder_settings, saved_numbers or transactions", () => {
    const bad = all.filter(
      ({ sql, plan }) => !ALLOWED.some((a) => a.test(sql)) && /SCAN (reminder_runs|reminder_settings|saved_numbers|transactions|r|s)\b/.test(plan),
    );
    expect(bad.map((b) => `${b.plan}  <=  ${b.sql.slice(0, 140)}`)).toEqual([]);
  });
});
