import { describe, expect, it } from "vitest";
import { repositoryQueryPlans } from "../helpers/query-plans.ts";

/**
 * reminder_runs grows by a few rows per saved number every month: no statement of the reminder
 * repositories may walk it (docs/reminders.md#runs). The planner's read of every enabled setting is
 * the one walk meant, once a day, over reminder_settings.
 */
const ALLOWED = [/FROM reminder_settings r JOIN saved_numbers s ON s\.id = r\.saved_number_id WHERE r\.reminder = 1 OR r\.autopay = 1/];

/** The reminder repositories' statements, and the paid-in-month read of transactions they rely on. */
function plans(): { sql: string; plan: string }[] {
  return repositoryQueryPlans().filter(({ sql }) => /reminder_|customer_number = \? AND product = \? AND status = 'paid'/.test(sql));
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
