import type { ReminderStats, StatsRepo } from "../../db/stats-repo.ts";
import { startOfWibDay, startOfWibMonth } from "../wib-time.ts";

/**
 * Reminders sent and auto-payments made, failed and skipped, today and this WIB month — what
 * /stats shows and what the dashboard can show (docs/reminders.md#counts). Counted when a run
 * finished, from the runs table.
 */
export function reminderCounts(stats: Pick<StatsRepo, "remindersSince">, now: number): { today: ReminderStats; month: ReminderStats } {
  return { today: stats.remindersSince(startOfWibDay(now)), month: stats.remindersSince(startOfWibMonth(now)) };
}
