import { describe, expect, it } from "vitest";
import {
  addMonths,
  afterQuietHours,
  isQuiet,
  monthsBetween,
  periodOf,
  wibDayOfMonth,
  wibHour,
  wibInstant,
} from "../../../src/domain/reminders/schedule-time.ts";
import { wib } from "../../helpers/reminders.ts";

describe("reminder calendar (WIB)", () => {
  it("puts an instant in its WIB month, across WIB midnight and month ends", () => {
    expect(periodOf(wib(2026, 11, 30, 23, 59))).toBe("2026-11");
    expect(periodOf(wib(2026, 12, 1, 0, 0))).toBe("2026-12");
    // 17:00 UTC on 30 November is already 1 December in Jakarta.
    expect(periodOf(Date.UTC(2026, 10, 30, 17, 0))).toBe("2026-12");
    expect(periodOf(wib(2026, 12, 31, 23, 59))).toBe("2026-12");
    expect(periodOf(wib(2027, 1, 1, 0, 0))).toBe("2027-01");
    expect(wibDayOfMonth(Date.UTC(2026, 10, 30, 17, 0))).toBe(1);
    expect(wibHour(Date.UTC(2026, 10, 30, 17, 0))).toBe(0);
  });

  it("counts months across years and builds instants from days that spill over", () => {
    expect(addMonths("2026-12", 1)).toBe("2027-01");
    expect(addMonths("2027-01", -1)).toBe("2026-12");
    expect(addMonths("2026-03", -11)).toBe("2025-04");
    expect(monthsBetween("2026-11", "2027-01")).toBe(2);
    expect(monthsBetween("2027-01", "2026-11")).toBe(-2);
    // Day 0 is the last day of the month before (a notice for an auto-payment on the 1st).
    expect(wibInstant("2027-03", 0, 9)).toBe(wib(2027, 2, 28, 9));
    expect(wibInstant("2028-03", 0, 9)).toBe(wib(2028, 2, 29, 9));
    // Day 29 of a 28-day month is the 1st of the next (the end of the 28th).
    expect(wibInstant("2027-02", 29)).toBe(wib(2027, 3, 1));
    expect(() => wibInstant("2027-13", 1)).toThrow();
  });

  it("keeps quiet from 21:00 to 07:00 WIB and moves a quiet instant to the 07:00 that ends it", () => {
    expect(isQuiet(wib(2026, 12, 7, 20, 59))).toBe(false);
    expect(isQuiet(wib(2026, 12, 7, 21, 0))).toBe(true);
    expect(isQuiet(wib(2026, 12, 8, 6, 59))).toBe(true);
    expect(isQuiet(wib(2026, 12, 8, 7, 0))).toBe(false);
    expect(afterQuietHours(wib(2026, 12, 7, 22, 30))).toBe(wib(2026, 12, 8, 7));
    expect(afterQuietHours(wib(2026, 12, 8, 2, 0))).toBe(wib(2026, 12, 8, 7));
    expect(afterQuietHours(wib(2026, 12, 31, 23, 0))).toBe(wib(2027, 1, 1, 7));
    expect(afterQuietHours(wib(2026, 12, 8, 9, 0))).toBe(wib(2026, 12, 8, 9));
  });
});
