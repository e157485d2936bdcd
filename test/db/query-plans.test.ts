import { describe, expect, it } from "vitest";
import { repositoryQueryPlans } from "../helpers/query-plans.ts";

/**
 * Tables that grow with every message or payment. A statement that reads them must find its rows
 * through an index chosen for it, not walk the table or an index shared by every row of one status
 * (a plan that is fine on a test database of ten rows and slow on one of a million).
 */
const GROWING = ["transactions", "ledger", "outbox", "sessions", "users", "inbound", "user_identities", "saved_numbers", "topup_orders"];

/** Walks of a partial index that holds only what waits (unsent, unprocessed, open, in review) are fine: few rows by construction. */
/** Full walks that are meant: start-up recovery, daily pruning, counts of what waits (few rows). */
const ALLOWED = [
  /^SELECT \* FROM sessions WHERE json_extract/, // once, at start-up
  /^DELETE FROM inbound WHERE received_at/, // once a day
  /^SELECT \* FROM ledger WHERE tx_ref = \? ORDER BY id/, // the operator's CLI and tests, one transaction's rows
];

describe("query plans on growing tables", () => {
  const plans = repositoryQueryPlans();

  it("reads at least the hot statements (the check sees the repositories)", () => {
    expect(plans.some((p) => p.sql.startsWith("SELECT * FROM transactions WHERE ref = ?"))).toBe(true);
  });

  it("no statement walks a growing table or a whole-status index", () => {
    const bad = plans.filter(({ sql, plan }) => {
      if (ALLOWED.some((a) => a.test(sql))) return false;
      const walks = GROWING.some((table) =>
        new RegExp(`SCAN ${table}(?! USING (COVERING )?INDEX \\w+_(unsent|address|unprocessed|one_open|review)\\b)`).test(plan),
      );
      // transactions_status_created serves the dashboard's date ranges; anything narrower than a status must not use it.
      const byStatusOnly =
        /transactions_status_created \(status=\?\)$|transactions_status_created \(status=\?\) \|/.test(plan) &&
        /customer_number|user_id = \?|ref = \?/.test(sql);
      return walks || byStatusOnly;
    });
    expect(bad.map((b) => `${b.plan}  <=  ${b.sql.slice(0, 160)}`)).toEqual([]);
  });
});
