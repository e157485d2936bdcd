import { addMonths, monthsBetween, periodOf, wibInstant, type Period } from "./schedule-time.ts";

/**
 * "Already paid for this period" (docs/reminders.md#already-paid). A provider's `period` field is
 * not a calendar month (IAK's BPJS gives a month count such as "01"), so the rule reads what our
 * own rows say for sure: a payment of the bill (product + number, by anyone) made in WIB month Q
 * for m months covers Q, Q+1, …, Q+m−1 — BPJS bills the month it is paid in, and m months paid at
 * once cover the months after it.
 *
 * "Made" is when the pay request left (`pay_started_at`), not when it settled: a payment pending at
 * 23:50 on the 31st that the status check settles on the 1st paid the month it was made in, and must
 * not mark the next month paid. A row without a start (older data, a hand-booked row) falls back to
 * its settlement.
 */
export interface PaidRow {
  settled_at: number;
  pay_started_at?: number | null;
  months: number | null;
}

/** The instant a payment is dated by for coverage: when it was made, else when it settled. */
export function paidAt(payment: PaidRow): number {
  return payment.pay_started_at ?? payment.settled_at;
}

export function coversPeriod(payment: PaidRow, period: Period): boolean {
  const offset = monthsBetween(periodOf(paidAt(payment)), period);
  return offset >= 0 && offset < Math.max(1, payment.months ?? 1);
}

/**
 * The earliest settlement that could still cover `period` (twelve months is the most one payment
 * covers). A payment is made before it settles, so every payment made since then settled since then too.
 */
export function coverageSince(period: Period): number {
  return wibInstant(addMonths(period, -11), 1);
}

export function paidForPeriod(payments: readonly PaidRow[], period: Period): boolean {
  return payments.some((p) => coversPeriod(p, period));
}
