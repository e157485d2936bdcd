import { addMonths, monthsBetween, periodOf, wibInstant, type Period } from "./schedule-time.ts";

/**
 * "Already paid for this period" (docs/reminders.md#already-paid). A provider's `period` field is
 * not a calendar month (IAK's BPJS gives a month count such as "01"), so the rule reads what our
 * own rows say for sure: a payment of the bill (product + number, by anyone) that settled in WIB
 * month Q for m months covers Q, Q+1, …, Q+m−1 — BPJS bills the month it is paid in, and m months
 * paid at once cover the months after it.
 */
export function coversPeriod(payment: { settled_at: number; months: number | null }, period: Period): boolean {
  const offset = monthsBetween(periodOf(payment.settled_at), period);
  return offset >= 0 && offset < Math.max(1, payment.months ?? 1);
}

/** The earliest settlement that could still cover `period` (twelve months is the most one payment covers). */
export function coverageSince(period: Period): number {
  return wibInstant(addMonths(period, -11), 1);
}

export function paidForPeriod(payments: readonly { settled_at: number; months: number | null }[], period: Period): boolean {
  return payments.some((p) => coversPeriod(p, period));
}
