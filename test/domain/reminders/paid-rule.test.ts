import { describe, expect, it } from "vitest";
import { coverageSince, coversPeriod } from "../../../src/domain/reminders/paid-rule.ts";
import { wib } from "../../helpers/reminders.ts";

describe("already paid for a period", () => {
  it("a payment covers the WIB month it settled in, and the months after it when several were paid", () => {
    expect(coversPeriod({ settled_at: wib(2026, 12, 2, 10), months: 1 }, "2026-12")).toBe(true);
    expect(coversPeriod({ settled_at: wib(2026, 12, 2, 10), months: 1 }, "2027-01")).toBe(false);
    expect(coversPeriod({ settled_at: wib(2026, 11, 30, 23, 59), months: 1 }, "2026-12")).toBe(false);
    expect(coversPeriod({ settled_at: wib(2026, 12, 1, 0, 0), months: 1 }, "2026-12")).toBe(true);
    expect(coversPeriod({ settled_at: wib(2026, 11, 20), months: 3 }, "2027-01")).toBe(true);
    expect(coversPeriod({ settled_at: wib(2026, 11, 20), months: 3 }, "2027-02")).toBe(false);
    expect(coversPeriod({ settled_at: wib(2026, 11, 20), months: null }, "2026-11")).toBe(true);
    expect(coversPeriod({ settled_at: wib(2027, 1, 2), months: 12 }, "2026-12")).toBe(false);
  });
  it("a payment is dated by when it was made (its pay request), not by when it settled", () => {
    const lateSettled = { settled_at: wib(2027, 2, 1, 0, 10), pay_started_at: wib(2027, 1, 31, 23, 50), months: 1 };
    expect(coversPeriod(lateSettled, "2027-01")).toBe(true);
    expect(coversPeriod(lateSettled, "2027-02")).toBe(false);
    expect(coversPeriod({ ...lateSettled, pay_started_at: null }, "2027-02")).toBe(true); // no start recorded: its settlement
  });
  it("looks back at most eleven months", () => {
    expect(coverageSince("2027-03")).toBe(wib(2026, 4, 1));
  });
});
