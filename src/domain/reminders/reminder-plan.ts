import type { Repos } from "../../db/repos.ts";
import type { ReminderSettingRow } from "../../db/reminder-settings-repo.ts";
import { coverageSince, paidForPeriod } from "./paid-rule.ts";
import type { RunRow } from "../../db/reminder-runs-repo.ts";
import { autopayWindow, planPeriods, planRuns, type PlanOptions } from "./planner.ts";
import { addMonths, afterQuietHours, periodOf, type Period } from "./schedule-time.ts";
import type { ProductId } from "../products.ts";

/**
 * A saved number's settings changed: the rows nobody acted on yet are dropped and planned again
 * from the new settings, in the caller's commit (docs/reminders.md#planning). Rows already claimed,
 * done or skipped stay: the UNIQUE key keeps a period that was acted on from being acted on again.
 */
export function replan(repos: Repos, userId: number, savedNumberId: number, now: number, opts: PlanOptions): void {
  repos.reminderRuns.removePlanned(savedNumberId, ["reminder", "autopay_notice"]);
  repos.reminderRuns.removePlanned(savedNumberId, ["autopay"]);
  const setting = repos.reminderSettings.get(userId, savedNumberId);
  if (!setting) return;
  repos.reminderRuns.insertMany(planRuns(now, [setting], opts), now, afterQuietHours(now));
  if (setting.autopay !== 1 || setting.autopay_day === null || setting.autopay_confirmed_at === null) return;
  // Set up again after this month's auto-payment ended unpaid (over the ceiling, no money that day,
  // missed…): the one row of the period is planned again for the new day, when that is safe.
  for (const period of planPeriods(now)) {
    const w = autopayWindow(period, setting.autopay_day, opts);
    if (now >= w.enabledBefore || setting.autopay_confirmed_at >= w.enabledBefore) continue;
    const run = repos.reminderRuns.find(savedNumberId, "autopay", period);
    if (run && (run.status === "skipped" || run.status === "failed") && reopenable(repos, run, setting)) {
      repos.reminderRuns.reopen(run.id, w.dueAt, w.deadlineAt, now);
    }
  }
}

type Bill = Pick<ReminderSettingRow, "product" | "number">;

/**
 * Whether an auto-payment of a period that ended (or is about to end, waiting for money) may be
 * planned again for a new day (docs/reminders.md#setting-up-again): never when that period is paid
 * (our rows, or the provider said so), nor while a payment of the bill is open.
 */
function reopenable(repos: Repos, run: RunRow, bill: Bill): boolean {
  if (!["skipped", "failed", "waiting_funds"].includes(run.status) || run.reason === "already_paid") return false;
  return !billPaidFor(repos, bill.product, bill.number, run.period) && !repos.transactions.openForBill(bill.product, bill.number);
}

/**
 * When the first auto-payment of a number set up (again) at `now` for `day` will be, from the rows
 * that exist: a period whose run ended and cannot be planned again is not promised (what the payer
 * is told, before and after "Turn auto-pay on").
 */
export function firstAutopayFor(repos: Repos, s: Bill & { saved_number_id: number }, day: number, now: number, opts: PlanOptions): number {
  for (const period of planPeriods(now)) {
    const w = autopayWindow(period, day, opts);
    if (now >= w.enabledBefore) continue;
    const run = repos.reminderRuns.find(s.saved_number_id, "autopay", period);
    if (!run || run.status === "planned" || reopenable(repos, run, s)) return w.dueAt;
  }
  return autopayWindow(addMonths(periodOf(now), 2), day, opts).dueAt;
}

/** Whether a payment of this bill covering `period` is recorded (paid-rule.ts). */
export function billPaidFor(repos: Repos, product: ProductId, number: string, period: Period): boolean {
  return paidForPeriod(repos.transactions.paidForBillSince(product, number, coverageSince(period)), period);
}

/** What one month of this bill cost last time it was paid (any payer), or null when never. */
export function lastMonthlyTotal(repos: Repos, s: Pick<ReminderSettingRow, "product" | "number">, now: number): number | null {
  const paid = repos.transactions.paidForBillSince(s.product, s.number, now - 400 * 24 * 3_600_000);
  const last = paid.at(-1);
  if (!last || last.total === null) return null;
  return Math.ceil(last.total / Math.max(1, last.months ?? 1));
}
