import type { ProductId } from "../products.ts";
import { DUE_DAY, addMonths, afterQuietHours, periodOf, wibInstant, type Period } from "./schedule-time.ts";

/**
 * The planner (docs/reminders.md#planning): a pure function of the clock and the settings rows,
 * returning the run rows that should exist for the current WIB month and the next. The caller
 * inserts them with INSERT OR IGNORE on (saved number, kind, period), so planning twice — after a
 * restart, in two processes, after a clock jump — adds nothing.
 */

export type RunKind = "reminder" | "autopay_notice" | "autopay";

/** What the planner reads of one saved number's settings. */
export interface PlanSetting {
  saved_number_id: number;
  user_id: number;
  product: ProductId;
  reminder: number;
  reminder_since: number | null;
  autopay: number;
  autopay_day: number | null;
  autopay_confirmed_at: number | null;
}

export interface PlanOptions {
  /** Days before the due day a reminder is sent (REMINDER_DAYS_BEFORE). */
  daysBefore: number;
  /** WIB hour reminders, notices and auto-payments are due at (REMINDER_HOUR). */
  hour: number;
}

export interface PlannedRun {
  savedNumberId: number;
  userId: number;
  product: ProductId;
  kind: RunKind;
  period: Period;
  dueAt: number;
  deadlineAt: number;
  /** `skipped` when its window had already closed before anyone could act (the bot was down). */
  status: "planned" | "skipped";
  reason: string | null;
}

interface Window {
  dueAt: number;
  deadlineAt: number;
  /** A setting turned on at or after this instant does not get this run. */
  enabledBefore: number;
}

/**
 * The reminder of `period`: `daysBefore` days before the due day (not before the 1st) at `hour`
 * WIB, moved out of quiet hours; not sent once the due day is over.
 */
export function reminderWindow(product: ProductId, period: Period, opts: PlanOptions): Window | null {
  const due = DUE_DAY[product];
  if (due === null) return null;
  const deadlineAt = wibInstant(period, due + 1);
  return { dueAt: afterQuietHours(wibInstant(period, Math.max(1, due - opts.daysBefore), opts.hour)), deadlineAt, enabledBefore: deadlineAt };
}

/**
 * The auto-payment of `period` on `day`, at `hour` WIB, until that day ends. A payment is not held
 * by quiet hours (its receipt answers something the payer asked for); a payer who turns auto-pay on
 * after that day's hour starts with the next month.
 */
export function autopayWindow(period: Period, day: number, opts: PlanOptions): Window {
  const dueAt = wibInstant(period, day, opts.hour);
  return { dueAt, deadlineAt: wibInstant(period, day + 1), enabledBefore: dueAt };
}

/** The notice the day before an auto-payment (for day 1: the last day of the month before), out of quiet hours. */
export function noticeWindow(period: Period, day: number, opts: PlanOptions): Window {
  const dueAt = afterQuietHours(wibInstant(period, day - 1, opts.hour));
  return { dueAt, deadlineAt: wibInstant(period, day), enabledBefore: dueAt };
}

function run(s: PlanSetting, kind: RunKind, period: Period, w: Window, now: number): PlannedRun {
  // A window that closed before it opened (an odd hour pushed past the deadline) or while the bot
  // was down is recorded as skipped, so the counts say what was missed.
  const closed = now >= w.deadlineAt || w.dueAt >= w.deadlineAt;
  return {
    savedNumberId: s.saved_number_id,
    userId: s.user_id,
    product: s.product,
    kind,
    period,
    dueAt: w.dueAt,
    deadlineAt: w.deadlineAt,
    status: closed ? "skipped" : "planned",
    reason: closed ? (now >= w.deadlineAt ? "missed" : "late") : null,
  };
}

/** The runs one setting should have in one period. */
export function runsForPeriod(s: PlanSetting, period: Period, now: number, opts: PlanOptions): PlannedRun[] {
  const out: PlannedRun[] = [];
  if (s.reminder === 1 && s.reminder_since !== null) {
    const w = reminderWindow(s.product, period, opts);
    if (w && s.reminder_since < w.enabledBefore) out.push(run(s, "reminder", period, w, now));
  }
  if (s.autopay === 1 && s.autopay_day !== null && s.autopay_confirmed_at !== null && DUE_DAY[s.product] !== null) {
    const notice = noticeWindow(period, s.autopay_day, opts);
    if (s.autopay_confirmed_at < notice.enabledBefore) out.push(run(s, "autopay_notice", period, notice, now));
    const pay = autopayWindow(period, s.autopay_day, opts);
    if (s.autopay_confirmed_at < pay.enabledBefore) out.push(run(s, "autopay", period, pay, now));
  }
  return out;
}

/** The periods a plan at `now` covers: this WIB month and the next (a day-1 notice falls in this one). */
export function planPeriods(now: number): Period[] {
  const current = periodOf(now);
  return [current, addMonths(current, 1)];
}

/** Every run the settings call for, this month and next. */
export function planRuns(now: number, settings: Iterable<PlanSetting>, opts: PlanOptions): PlannedRun[] {
  const periods = planPeriods(now);
  const out: PlannedRun[] = [];
  for (const s of settings) for (const p of periods) out.push(...runsForPeriod(s, p, now, opts));
  return out;
}

/** When the first auto-payment of a setting turned on at `now` could be, from the clock alone (reminder-plan.ts: firstAutopayFor reads the rows too). */
export function firstAutopayAt(now: number, day: number, opts: PlanOptions): number {
  for (const p of planPeriods(now)) {
    const w = autopayWindow(p, day, opts);
    if (now < w.enabledBefore) return w.dueAt;
  }
  return autopayWindow(addMonths(periodOf(now), 2), day, opts).dueAt;
}
