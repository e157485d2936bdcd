import type { TopupMethod } from "../gateway/port.ts";
import type { Db } from "./open.ts";

/** An order's life (docs/topups.md#states): pending until the gateway says it is over. */
export type OrderStatus = "pending" | "paid" | "expired" | "cancelled" | "failed" | "refused" | "needs_review";

export interface OrderRow {
  order_id: string;
  user_id: number;
  gateway: string;
  amount: number;
  method: TopupMethod;
  status: OrderStatus;
  bill_ref: string | null;
  bill_handled_at: number | null;
  charge_started_at: number | null;
  charge_answered_at: number | null;
  charge_outcome: "created" | "refused" | "unknown" | null;
  gateway_id: string | null;
  qr_payload: string | null;
  va_bank: string | null;
  va_number: string | null;
  failure_code: string | null;
  failure_message: string | null;
  gateway_state: string | null;
  paid_amount: number | null;
  paid_at: string | null;
  credited_at: number | null;
  review_reason: string | null;
  reversed_state: string | null;
  expires_at: number;
  notified_at: number | null;
  next_check_at: number | null;
  check_attempts: number;
  last_checked_at: number | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  /** An order under review that the gateway later reported paid: when the admins were told (once), and the amount. */
  review_paid_at: number | null;
  review_paid_amount: number | null;
}

/** The states a payment found by the gateway may still be credited from (a late one: docs/topups.md#late-settlement). */
const CREDITABLE = "('pending', 'expired', 'cancelled', 'failed', 'refused')";

/** Top-up orders: one row per charge we ask a payment gateway for. */
export function createTopupOrdersRepo(db: Db) {
  const get = db.prepare<[string], OrderRow>("SELECT * FROM topup_orders WHERE order_id = ?");
  const insert = db.prepare(
    `INSERT INTO topup_orders (order_id, user_id, gateway, amount, method, status, bill_ref, expires_at, next_check_at, created_at, updated_at)
     VALUES (@orderId, @userId, @gateway, @amount, @method, 'pending', @billRef, @expiresAt, @nextCheckAt, @now, @now)`,
  );
  const open = db.prepare<[number, string], OrderRow>("SELECT * FROM topup_orders WHERE user_id = ? AND method = ? AND status = 'pending'");
  const attachBill = db.prepare<[string, number, string]>(
    "UPDATE topup_orders SET bill_ref = ?, updated_at = ? WHERE order_id = ? AND status = 'pending' AND bill_ref IS NULL",
  );
  const startCharge = db.prepare<[number, number, string]>(
    "UPDATE topup_orders SET charge_started_at = ?, updated_at = ? WHERE order_id = ? AND status = 'pending' AND charge_started_at IS NULL",
  );
  const answerCharge = db.prepare(
    `UPDATE topup_orders SET charge_answered_at = @now, charge_outcome = @outcome, gateway_id = @gatewayId, qr_payload = @qrPayload,
       va_bank = @vaBank, va_number = @vaNumber, failure_code = @code, failure_message = @message, updated_at = @now
     WHERE order_id = @orderId AND charge_answered_at IS NULL`,
  );
  const close = db.prepare<{ orderId: string; from: string; to: OrderStatus; now: number }>(
    "UPDATE topup_orders SET status = @to, closed_at = @now, next_check_at = NULL, updated_at = @now WHERE order_id = @orderId AND status = @from",
  );
  const markPaid = db.prepare<{ orderId: string; paidAmount: number; paidAt: string | null; now: number }>(
    `UPDATE topup_orders SET status = 'paid', paid_amount = @paidAmount, paid_at = @paidAt, credited_at = @now, closed_at = @now,
       next_check_at = NULL, updated_at = @now
     WHERE order_id = @orderId AND status IN ${CREDITABLE}`,
  );
  const markNeedsReview = db.prepare<{ orderId: string; reason: string; paidAmount: number | null; now: number }>(
    `UPDATE topup_orders SET status = 'needs_review', review_reason = @reason, paid_amount = @paidAmount, closed_at = @now,
       next_check_at = NULL, updated_at = @now
     WHERE order_id = @orderId AND status IN ${CREDITABLE}`,
  );
  // A credited order, or one under review (a person may have credited it by hand).
  const markReversed = db.prepare<[string, number, string]>(
    "UPDATE topup_orders SET reversed_state = ?, updated_at = ? WHERE order_id = ? AND status IN ('paid', 'needs_review') AND reversed_state IS NULL",
  );
  const markReviewPaid = db.prepare<{ orderId: string; paidAmount: number | null; now: number }>(
    `UPDATE topup_orders SET review_paid_at = @now, review_paid_amount = @paidAmount, updated_at = @now
     WHERE order_id = @orderId AND status = 'needs_review' AND review_paid_at IS NULL`,
  );
  const checked = db.prepare<{ orderId: string; state: string | null; nextCheckAt: number | null; attempts: number; now: number }>(
    `UPDATE topup_orders SET gateway_state = COALESCE(@state, gateway_state), next_check_at = @nextCheckAt,
       check_attempts = @attempts, last_checked_at = @now, updated_at = @now
     WHERE order_id = @orderId`,
  );
  const clearNotified = db.prepare<[string]>("UPDATE topup_orders SET notified_at = NULL WHERE order_id = ?");
  const notified = db.prepare<[number, number, number, string]>(
    "UPDATE topup_orders SET notified_at = ?, next_check_at = MIN(COALESCE(next_check_at, ?), ?) WHERE order_id = ?",
  );
  const lookBy = db.prepare<[number, number, string]>("UPDATE topup_orders SET next_check_at = MIN(COALESCE(next_check_at, ?), ?) WHERE order_id = ?");
  // Every order with a look scheduled: pending ones, unconfirmed notifications, late looks at closed ones.
  const due = db.prepare<[string, number, number], OrderRow>(
    "SELECT * FROM topup_orders WHERE gateway = ? AND next_check_at <= ? ORDER BY next_check_at LIMIT ?",
  );
  const nextDue = db.prepare<[string], { at: number | null }>(
    "SELECT MIN(next_check_at) AS at FROM topup_orders WHERE gateway = ? AND next_check_at IS NOT NULL",
  );
  // Once at start-up, through the partial index of open orders (few by construction).
  const openElsewhere = db.prepare<[string], OrderRow>(
    "SELECT * FROM topup_orders INDEXED BY topup_orders_one_open WHERE status = 'pending' AND gateway <> ? LIMIT 100",
  );
  const billsToSettle = db.prepare<[], OrderRow>(
    "SELECT * FROM topup_orders WHERE status = 'paid' AND bill_ref IS NOT NULL AND bill_handled_at IS NULL ORDER BY credited_at",
  );
  const billHandled = db.prepare<[number, string]>(
    "UPDATE topup_orders SET bill_handled_at = ? WHERE order_id = ? AND status = 'paid' AND bill_handled_at IS NULL",
  );
  const recent = db.prepare<[number, number], OrderRow>("SELECT * FROM topup_orders WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?");
  const creditedSince = db.prepare<[number], { count: number; amount: number | null }>(
    "SELECT COUNT(*) AS count, SUM(amount) AS amount FROM topup_orders WHERE credited_at >= ?",
  );

  return {
    get: (orderId: string) => get.get(orderId),
    /** Written (and committed) before the gateway hears of the order. */
    insert(p: {
      orderId: string;
      userId: number;
      gateway: string;
      amount: number;
      method: TopupMethod;
      billRef: string | null;
      expiresAt: number;
      nextCheckAt: number;
      now: number;
    }): OrderRow {
      insert.run(p);
      return get.get(p.orderId)!;
    },
    /** The payer's open order of this method, if any (at most one: a unique index). */
    openFor: (userId: number, method: TopupMethod) => open.get(userId, method),
    /** An open order not yet tied to a bill now pays this one once credited. */
    attachBill: (orderId: string, billRef: string, now: number) => attachBill.run(billRef, now, orderId).changes === 1,
    /** Compare-and-set: the one charge request of an order may leave. */
    startCharge: (orderId: string, now: number) => startCharge.run(now, now, orderId).changes === 1,
    /** The charge's answer, recorded once. */
    answerCharge(p: {
      orderId: string;
      outcome: "created" | "refused" | "unknown";
      gatewayId?: string | null;
      qrPayload?: string | null;
      vaBank?: string | null;
      vaNumber?: string | null;
      code?: string | null;
      message?: string | null;
      now: number;
    }): boolean {
      return (
        answerCharge.run({
          orderId: p.orderId,
          outcome: p.outcome,
          gatewayId: p.gatewayId ?? null,
          qrPayload: p.qrPayload ?? null,
          vaBank: p.vaBank ?? null,
          vaNumber: p.vaNumber ?? null,
          code: p.code ?? null,
          message: p.message ?? null,
          now: p.now,
        }).changes === 1
      );
    },
    /** Compare-and-set from one status to a final one (expired, cancelled, failed, refused). */
    close: (orderId: string, from: OrderStatus, to: OrderStatus, now: number) => close.run({ orderId, from, to, now }).changes === 1,
    /** Compare-and-set to paid, from any state a payment may still be credited from. */
    markPaid: (p: { orderId: string; paidAmount: number; paidAt: string | null; now: number }) => markPaid.run(p).changes === 1,
    markNeedsReview: (p: { orderId: string; reason: string; paidAmount: number | null; now: number }) => markNeedsReview.run(p).changes === 1,
    /** A credited order (or one under review) reported refunded or denied: true only the first time. */
    markReversed: (orderId: string, state: string, now: number) => markReversed.run(state, now, orderId).changes === 1,
    /** Compare-and-set: an order under review reported paid by the gateway; true only the first time (the admins are told once). */
    markReviewPaid: (p: { orderId: string; paidAmount: number | null; now: number }) => markReviewPaid.run(p).changes === 1,
    /** What a status check found, and when to look again (null: not before something new happens). */
    recordCheck: (p: { orderId: string; state: string | null; nextCheckAt: number | null; attempts: number; now: number }) => checked.run(p),
    /** A genuine notification arrived: the status API must confirm it, soon (the poller, should this process die). */
    noteNotification: (orderId: string, now: number, checkBy: number) => notified.run(now, checkBy, checkBy, orderId),
    /** The gateway should be asked about the order by `at` (a notification not kept, docs/topups.md#notifications). */
    lookBy: (orderId: string, at: number) => lookBy.run(at, at, orderId),
    /** Every notification of the order is confirmed by the status API. */
    clearNotified: (orderId: string) => clearNotified.run(orderId),
    /** This gateway's orders to ask about now: pending ones, unconfirmed notifications, late looks at closed ones. */
    due: (gateway: string, now: number, limit: number) => due.all(gateway, now, limit),
    nextDueAt: (gateway: string) => nextDue.get(gateway)?.at ?? null,
    /** Open orders made through another gateway than this one (GATEWAY changed while they were open). */
    openElsewhere: (gateway: string) => openElsewhere.all(gateway),
    /** Credited orders whose bill has not yet been paid or re-offered (a crash in between). */
    billsToSettle: () => billsToSettle.all(),
    /** Compare-and-set: the bill of a credited order is dealt with once. */
    markBillHandled: (orderId: string, now: number) => billHandled.run(now, orderId).changes === 1,
    recentForUser: (userId: number, limit: number) => recent.all(userId, limit),
    /** Gateway top-ups credited since `since`: how many and how much (/stats). */
    creditedSince(since: number): { count: number; amount: number } {
      const row = creditedSince.get(since);
      return { count: row?.count ?? 0, amount: row?.amount ?? 0 };
    },
  };
}
export type TopupOrdersRepo = ReturnType<typeof createTopupOrdersRepo>;
