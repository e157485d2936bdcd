import type { Db } from "./open.ts";
import type { ProductId } from "../domain/products.ts";
import type { Bill, Receipt } from "../providers/port.ts";

export type TxStatus = "inquiring" | "inquiry_failed" | "inquired" | "cancelled" | "expired" | "paying" | "pending" | "needs_review" | "paid" | "failed";

export const OPEN_STATUSES: readonly TxStatus[] = ["paying", "pending", "needs_review"];
export const FINAL_STATUSES: readonly TxStatus[] = ["paid", "failed"];

export interface TxRow {
  ref: string;
  user_id: number | null;
  account: "payer" | "operator";
  product: ProductId;
  customer_number: string;
  months: number | null;
  provider: string | null;
  status: TxStatus;
  name: string | null;
  period: string | null;
  branch: string | null;
  participants: string | null;
  bill_amount: number | null;
  admin_fee: number | null;
  price: number | null;
  fee: number;
  total: number | null;
  pay_token: string | null;
  provider_tr_id: string | null;
  status_key: string | null;
  provider_cost: number | null;
  paid_price: number | null;
  provider_ref: string | null;
  provider_time: string | null;
  receipt_note: string | null;
  failure_reason: string | null;
  failure_code: string | null;
  failure_message: string | null;
  review_reason: string | null;
  settled_by: string | null;
  created_at: number;
  expires_at: number | null;
  pay_started_at: number | null;
  pay_timeout_ms: number | null;
  settled_at: number | null;
  next_check_at: number | null;
  check_attempts: number;
  updated_at: number;
  erased: number;
}

export function createTransactionsRepo(db: Db) {
  const get = db.prepare<[string], TxRow>("SELECT * FROM transactions WHERE ref = ?");
  const insert = db.prepare(
    `INSERT INTO transactions (ref, user_id, account, product, customer_number, months, status, fee, created_at, updated_at)
     VALUES (@ref, @userId, @account, @product, @number, @months, 'inquiring', @fee, @now, @now)`,
  );
  const inquirySuccess = db.prepare(
    `UPDATE transactions SET status = 'inquired', provider = @provider, name = @name, period = @period, branch = @branch,
       participants = @participants, bill_amount = @amount, admin_fee = @adminFee, price = @price, total = @total,
       pay_token = @payToken, provider_tr_id = @trId, provider_cost = @providerCost, status_key = @statusKey,
       expires_at = @expiresAt, updated_at = @now
     WHERE ref = @ref AND status = 'inquiring'`,
  );
  const inquiryFailure = db.prepare(
    `UPDATE transactions SET status = 'inquiry_failed', provider = @provider, failure_reason = @reason, failure_code = @code,
       failure_message = @message, updated_at = @now WHERE ref = @ref AND status = 'inquiring'`,
  );
  const startPay = db.prepare<{ ref: string; now: number; payTimeoutMs: number }, TxRow>(
    `UPDATE transactions SET status = 'paying', pay_started_at = @now, pay_timeout_ms = @payTimeoutMs, updated_at = @now
     WHERE ref = @ref AND status = 'inquired' AND expires_at > @now
     RETURNING *`,
  );
  const setStatusFrom = db.prepare<{ ref: string; from: string; to: TxStatus; now: number }>(
    "UPDATE transactions SET status = @to, updated_at = @now WHERE ref = @ref AND status = @from",
  );
  const pending = db.prepare(
    `UPDATE transactions SET status = 'pending', status_key = COALESCE(@statusKey, status_key), next_check_at = @nextCheckAt,
       failure_code = @code, failure_message = @message, updated_at = @now
     WHERE ref = @ref AND status IN ('paying', 'pending')`,
  );
  const reschedule = db.prepare(
    `UPDATE transactions SET next_check_at = @nextCheckAt, check_attempts = check_attempts + 1, updated_at = @now
     WHERE ref = @ref AND status = 'pending'`,
  );
  const needsReview = db.prepare(
    `UPDATE transactions SET status = 'needs_review', review_reason = @reason, next_check_at = NULL, updated_at = @now
     WHERE ref = @ref AND status IN ('paying', 'pending')`,
  );
  const paid = db.prepare(
    `UPDATE transactions SET status = 'paid', paid_price = @paidPrice, provider_ref = @providerRef, provider_time = @providerTime,
       receipt_note = @note, provider_cost = COALESCE(@providerCost, provider_cost), name = COALESCE(name, @name),
       settled_by = @by, settled_at = @now, next_check_at = NULL, updated_at = @now
     WHERE ref = @ref AND status IN ('paying', 'pending', 'needs_review')`,
  );
  const failed = db.prepare(
    `UPDATE transactions SET status = 'failed', failure_reason = @reason, failure_code = @code, failure_message = @message,
       settled_by = @by, settled_at = @now, next_check_at = NULL, updated_at = @now
     WHERE ref = @ref AND status IN ('paying', 'pending', 'needs_review')`,
  );
  const openForBill = db.prepare<[string, string], TxRow>(
    "SELECT * FROM transactions WHERE product = ? AND customer_number = ? AND status IN ('paying', 'pending', 'needs_review')",
  );
  const paidSince = db.prepare<[string, string, number], TxRow>(
    // By the number (a handful of rows), never by status: every paid row ever shares that one.
    "SELECT * FROM transactions INDEXED BY transactions_number WHERE product = ? AND customer_number = ? AND status = 'paid' AND settled_at >= ? ORDER BY settled_at DESC LIMIT 1",
  );
  // Settled since `since` is a superset of paid (pay started) since `since`: a payment is started before
  // it settles. The caller dates each row's coverage by when it was paid (paid-rule.ts).
  const paidForBill = db.prepare<[string, string, number], { settled_at: number; pay_started_at: number | null; months: number | null; total: number | null }>(
    "SELECT settled_at, pay_started_at, months, total FROM transactions INDEXED BY transactions_number WHERE customer_number = ? AND product = ? AND status = 'paid' AND settled_at >= ? ORDER BY settled_at",
  );
  const countByUser = db.prepare<[number, number], { n: number }>("SELECT COUNT(*) AS n FROM transactions WHERE user_id = ? AND created_at >= ?");
  const othersByNumber = db.prepare<[string, number, number], { n: number }>(
    "SELECT COUNT(DISTINCT user_id) AS n FROM transactions WHERE customer_number = ? AND created_at >= ? AND user_id IS NOT NULL AND user_id != ?",
  );
  const recent = db.prepare<[number, number], TxRow>(
    "SELECT * FROM transactions WHERE user_id = ? AND status NOT IN ('inquiring') ORDER BY created_at DESC, rowid DESC LIMIT ?",
  );
  const due = db.prepare<[number, number], TxRow>("SELECT * FROM transactions WHERE status = 'pending' AND next_check_at <= ? ORDER BY next_check_at LIMIT ?");
  const nextDue = db.prepare<[], { at: number | null }>("SELECT MIN(next_check_at) AS at FROM transactions WHERE status = 'pending'");
  const byStatus = db.prepare<[string], TxRow>("SELECT * FROM transactions WHERE status = ? ORDER BY created_at");
  const cancelShownForUser = db.prepare<[number, number]>(
    // By the payer, never by status: every bill ever looked at and left stays 'inquired'.
    "UPDATE transactions INDEXED BY transactions_user SET status = 'cancelled', updated_at = ? WHERE user_id = ? AND status = 'inquired'",
  );
  const eraseForUser = db.prepare<[number, number]>(
    `UPDATE transactions SET customer_number = substr('****************', 1, max(length(customer_number) - 4, 0)) || substr(customer_number, -4),
       name = NULL, pay_token = NULL, erased = 1, updated_at = ?
     WHERE user_id = ? AND erased = 0 AND status NOT IN ('paying', 'pending', 'needs_review', 'inquiring')`,
  );

  return {
    get: (ref: string) => get.get(ref),
    insertInquiry(p: {
      ref: string;
      userId: number | null;
      account: "payer" | "operator";
      product: ProductId;
      number: string;
      months: number | null;
      fee: number;
      now: number;
    }) {
      insert.run(p);
    },
    recordInquirySuccess(p: { ref: string; provider: string; bill: Bill; total: number; statusKey: string | null; expiresAt: number; now: number }): boolean {
      const b = p.bill;
      return (
        inquirySuccess.run({
          ref: p.ref,
          provider: p.provider,
          name: b.name,
          period: b.period,
          branch: b.branch ?? null,
          participants: b.participants ?? null,
          amount: b.amount,
          adminFee: b.adminFee,
          price: b.price,
          total: p.total,
          payToken: b.payToken,
          trId: b.providerTrId ?? null,
          providerCost: b.providerCost ?? null,
          statusKey: p.statusKey,
          expiresAt: p.expiresAt,
          now: p.now,
        }).changes === 1
      );
    },
    recordInquiryFailure(p: { ref: string; provider: string | null; reason: string; code?: string; message?: string; now: number }): boolean {
      return (
        inquiryFailure.run({ ref: p.ref, provider: p.provider, reason: p.reason, code: p.code ?? null, message: p.message ?? null, now: p.now }).changes === 1
      );
    },
    /** The compare-and-set of the confirm step: only an unexpired `inquired` row becomes `paying`. */
    /** …returning the row now paying (no trigger touches an open row), or undefined when it was not payable. */
    startPay: (ref: string, now: number, payTimeoutMs: number): TxRow | undefined => startPay.get({ ref, now, payTimeoutMs }),
    setStatusFrom: (ref: string, from: TxStatus, to: TxStatus, now: number) => setStatusFrom.run({ ref, from, to, now }).changes === 1,
    markPending(p: { ref: string; statusKey: string | null; nextCheckAt: number; code?: string; message?: string; now: number }) {
      return (
        pending.run({ ref: p.ref, statusKey: p.statusKey, nextCheckAt: p.nextCheckAt, code: p.code ?? null, message: p.message ?? null, now: p.now })
          .changes === 1
      );
    },
    reschedule: (ref: string, nextCheckAt: number, now: number) => reschedule.run({ ref, nextCheckAt, now }).changes === 1,
    markNeedsReview: (ref: string, reason: string, now: number) => needsReview.run({ ref, reason, now }).changes === 1,
    markPaid(p: { ref: string; receipt: Receipt; paidPrice: number; by: string; now: number }): boolean {
      const r = p.receipt;
      return (
        paid.run({
          ref: p.ref,
          paidPrice: p.paidPrice,
          providerRef: r.providerRef ?? null,
          providerTime: r.providerTime ?? null,
          note: r.note ?? null,
          providerCost: r.providerCost ?? null,
          name: r.name ?? null,
          by: p.by,
          now: p.now,
        }).changes === 1
      );
    },
    markFailed(p: { ref: string; reason: string; code?: string; message?: string; by: string; now: number }): boolean {
      return failed.run({ ref: p.ref, reason: p.reason, code: p.code ?? null, message: p.message ?? null, by: p.by, now: p.now }).changes === 1;
    },
    openForBill: (product: ProductId, number: string) => openForBill.get(product, number),
    paidSince: (product: ProductId, number: string, since: number) => paidSince.get(product, number, since),
    /** When each payment of a bill (by anyone) settled since `since`, and for how many months (reminders' "already paid"). */
    paidForBillSince: (product: ProductId, number: string, since: number) => paidForBill.all(number, product, since),
    countByUserSince: (userId: number, since: number) => countByUser.get(userId, since)?.n ?? 0,
    /** How many other payers looked this number up: one account cannot use up a number's allowance. */
    otherPayersForNumberSince: (number: string, since: number, userId: number) => othersByNumber.get(number, since, userId)?.n ?? 0,
    recentForUser: (userId: number, limit: number) => recent.all(userId, limit),
    due: (now: number, limit: number) => due.all(now, limit),
    nextDueAt: () => nextDue.get()?.at ?? null,
    withStatus: (status: TxStatus) => byStatus.all(status),
    /**
     * Masks a payer's rows (number to its last four digits, no name, no pay token). A bill still on
     * screen is cancelled first, so it can never be paid with a masked number; open payments are
     * masked when they settle (migration 005).
     */
    eraseForUser(userId: number, now: number): number {
      cancelShownForUser.run(now, userId);
      return eraseForUser.run(now, userId).changes;
    },
  };
}
export type TransactionsRepo = ReturnType<typeof createTransactionsRepo>;
