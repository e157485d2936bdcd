import { describe, expect, it } from "vitest";
import { firstAutopayAt, planRuns, runsForPeriod, type PlanSetting } from "../../../src/domain/reminders/planner.ts";
import { wib } from "../../helpers/reminders.ts";

const opts = { daysBefore: 3, hour: 9 };
const setting = (over: Partial<PlanSetting> = {}): PlanSetting => ({
  saved_number_id: 1,
  user_id: 7,
  product: "bpjs-kesehatan",
  reminder: 1,
  reminder_since: wib(2026, 1, 1),
  autopay: 0,
  autopay_day: null,
  autopay_confirmed_at: null,
  ...over,
});

describe("the planner", () => {
  it("plans the Kesehatan reminder 3 days before the 10th at 09:00 WIB, until the 10th ends", () => {
    const [r] = runsForPeriod(setting(), "2026-12", wib(2026, 12, 1), opts);
    expect(r).toMatchObject({ kind: "reminder", period: "2026-12", dueAt: wib(2026, 12, 7, 9), deadlineAt: wib(2026, 12, 11), status: "planned" });
  });

  it("plans the Ketenagakerjaan BPU reminder before the 15th, and none for BPJS Denda", () => {
    expect(runsForPeriod(setting({ product: "bpjs-ketenagakerjaan" }), "2026-12", wib(2026, 12, 1), opts)[0]?.dueAt).toBe(wib(2026, 12, 12, 9));
    expect(runsForPeriod(setting({ product: "bpjs-denda", autopay: 1, autopay_day: 5, autopay_confirmed_at: 0 }), "2026-12", 0, opts)).toEqual([]);
  });

  it("never plans a reminder before the 1st, and moves one due in quiet hours to 07:00", () => {
    expect(runsForPeriod(setting(), "2026-12", 0, { daysBefore: 9, hour: 9 })[0]?.dueAt).toBe(wib(2026, 12, 1, 9));
    expect(runsForPeriod(setting(), "2026-12", 0, { daysBefore: 3, hour: 22 })[0]?.dueAt).toBe(wib(2026, 12, 8, 7));
    expect(runsForPeriod(setting(), "2026-12", 0, { daysBefore: 3, hour: 5 })[0]?.dueAt).toBe(wib(2026, 12, 7, 7));
  });

  it("records as missed what closed while nobody could act, and skips periods closed before it was turned on", () => {
    const late = runsForPeriod(setting(), "2026-12", wib(2026, 12, 11, 8), opts)[0];
    expect(late).toMatchObject({ status: "skipped", reason: "missed" });
    expect(runsForPeriod(setting({ reminder_since: wib(2026, 12, 12) }), "2026-12", wib(2026, 12, 12), opts)).toEqual([]);
    // Turned on after the reminder time but before the due day ended: still worth sending.
    expect(runsForPeriod(setting({ reminder_since: wib(2026, 12, 8) }), "2026-12", wib(2026, 12, 8), opts)[0]?.status).toBe("planned");
  });

  it("plans the auto-payment on its day and the notice the day before; day 1's notice is on the last day of the month before", () => {
    const s = setting({ reminder: 0, reminder_since: null, autopay: 1, autopay_day: 1, autopay_confirmed_at: wib(2026, 1, 1) });
    const runs = runsForPeriod(s, "2027-03", wib(2027, 2, 1), opts);
    expect(runs.map((r) => [r.kind, r.dueAt, r.deadlineAt])).toEqual([
      ["autopay_notice", wib(2027, 2, 28, 9), wib(2027, 3, 1)],
      ["autopay", wib(2027, 3, 1, 9), wib(2027, 3, 2)],
    ]);
  });

  it("an auto-pay turned on after its day's hour starts next month; one turned on after the notice's hour has no notice", () => {
    const s = (at: number) => setting({ reminder: 0, autopay: 1, autopay_day: 20, autopay_confirmed_at: at });
    expect(runsForPeriod(s(wib(2026, 12, 20, 10)), "2026-12", wib(2026, 12, 20, 10), opts)).toEqual([]);
    expect(runsForPeriod(s(wib(2026, 12, 19, 10)), "2026-12", wib(2026, 12, 19, 10), opts).map((r) => r.kind)).toEqual(["autopay"]);
    expect(firstAutopayAt(wib(2026, 12, 20, 10), 20, opts)).toBe(wib(2027, 1, 20, 9));
    expect(firstAutopayAt(wib(2026, 12, 20, 8), 20, opts)).toBe(wib(2026, 12, 20, 9));
    expect(firstAutopayAt(wib(2026, 12, 31, 23), 1, opts)).toBe(wib(2027, 1, 1, 9));
  });

  it("covers this WIB month and the next, across a year end, and is the same however often it runs", () => {
    const now = wib(2026, 12, 31, 23, 30);
    const a = planRuns(now, [setting()], opts);
    expect(a.map((r) => r.period)).toEqual(["2026-12", "2027-01"]);
    expect(planRuns(now, [setting()], opts)).toEqual(a);
    // One minute later, across WIB midnight, the window moves a month on.
    expect(planRuns(wib(2027, 1, 1, 0, 0), [setting()], opts).map((r) => r.period)).toEqual(["2027-01", "2027-02"]);
  });
});
