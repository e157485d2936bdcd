import type { Repos } from "../../db/repos.ts";
import type { ReminderSettingRow } from "../../db/reminder-settings-repo.ts";
import { coverageSince, paidForPeriod } from "./paid-rule.ts";
import { planRuns, type PlanOptions } from "./planner.ts";
import type { Period } from "./schedule-time.ts";
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
  if (setting) repos.reminderRuns.insertMany(planRuns(now, [setting], opts), now);
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
