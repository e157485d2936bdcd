import type { Logger } from "pino";
import type { GroupCommitter } from "../../db/group-commit.ts";
import type { Repos } from "../../db/repos.ts";
import type { TxRow } from "../../db/transactions-repo.ts";
import type { InquiryOutcome, PayOutcome, Receipt, RejectReason } from "../../providers/port.ts";
import type { ProviderRouter } from "../../providers/router.ts";
import type { ProductId } from "../products.ts";
import { mintRef } from "../ref.ts";
import { endOfWibDay, startOfWibDay } from "../wib-time.ts";
import type { PaymentEvents, SettledBy } from "./payment-events.ts";
import { judgeReportedPrice } from "./price-check.ts";
import { FIRST_CHECK_DELAY_MS } from "./status-check-schedule.ts";

/** Why a confirm did not start a payment; nothing was held or sent. */
export type PayRefusal =
  | "not_found"
  | "expired"
  | "already_paid"
  | "in_progress"
  | "settled"
  | "not_payable"
  | "insufficient"
  | "open_payment"
  /** The same bill was paid earlier today: only an explicit "pay again" goes on. */
  | "paid_today";

export type PayResult =
  | { kind: "refused"; why: PayRefusal; tx?: TxRow; balance?: number }
  /** The one pay request went out; `tx` says what it came to: paid, failed, pending or needs_review. */
  | { kind: "sent"; tx: TxRow };

export type Settlement =
  /** The provider says it is paid; its reported price is booked only if plausible. */
  | { kind: "paid"; receipt: Receipt }
  /** A person (an admin's /resolve) says it is paid: booked at the inquired price. */
  | { kind: "confirmed_paid" }
  | { kind: "failed"; reason: RejectReason | "not_received" | "manual"; code?: string; message?: string };

export interface PayOptions {
  /** The payer paying from their balance, or null for the operator's own account (the CLI). */
  userId: number | null;
  /** Who confirmed, for the ledger (`telegram:U…`, `cli`). */
  actor: string;
  /** The payer saw "already paid today" and chose to pay again. */
  again?: boolean;
}

/**
 * The money model (docs/money.md): inquiries mint refs, `pay` owns the whole exactly-once sequence
 * — a compare-and-set confirm with the balance hold in its own durable commit, the one pay request,
 * the outcome recorded — and every outcome settles through `settle`, whoever learns it. It speaks
 * facts (rows returned, PaymentEvents told); the words are settlement-notices.ts's. Methods that
 * return plain values run inside the caller's commit.
 */
export function createPaymentService(deps: {
  repos: Repos;
  commits: GroupCommitter;
  router: ProviderRouter;
  events: PaymentEvents;
  now: () => number;
  fees: Readonly<Record<ProductId, number>>;
  inquiryTtlMs: number;
  lowDepositAlert: number;
  log: Logger;
}) {
  const { repos, events } = deps;

  function beginInquiry(p: { userId: number | null; product: ProductId; number: string; months: number | null }): string {
    const ref = mintRef();
    repos.transactions.insertInquiry({
      ref,
      userId: p.userId,
      account: p.userId === null ? "operator" : "payer",
      product: p.product,
      number: p.number,
      months: p.months,
      fee: p.userId === null ? 0 : deps.fees[p.product],
      now: deps.now(),
    });
    return ref;
  }

  /** Asks the providers about a bill begun with `beginInquiry`, and records the answer. */
  async function inquire(ref: string): Promise<TxRow> {
    const tx = repos.transactions.get(ref);
    if (!tx) throw new Error(`unknown transaction ${ref}`);
    const routed = await deps.router
      .inquire({ ref, product: tx.product, customerNumber: tx.customer_number, ...(tx.months === null ? {} : { months: tx.months }) })
      .catch((err: unknown) => {
        deps.log.error({ err, ref }, "inquiry threw; treating the provider as unavailable");
        return { provider: null, outcome: { status: "unavailable", fault: "network" } as InquiryOutcome };
      });
    return deps.commits.run(() => recordInquiry(tx, routed.provider, routed.outcome));
  }

  /** Records a provider's answer to the inquiry `tx` (the row as it was before the call). */
  function recordInquiry(tx: TxRow, provider: string | null, outcome: InquiryOutcome): TxRow {
    const now = deps.now();
    const ref = tx.ref;
    if (outcome.status === "success") {
      const statusKey = provider === null ? null : (deps.router.get(provider)?.statusKeyBeforePay(ref) ?? null);
      // Valid for the TTL, and never past 24:00 WIB (IAK refuses a pay on a later day).
      const expiresAt = Math.min(now + deps.inquiryTtlMs, endOfWibDay(tx.created_at));
      repos.transactions.recordInquirySuccess({ ref, provider: provider!, bill: outcome.bill, total: outcome.bill.price + tx.fee, statusKey, expiresAt, now });
    } else if (outcome.status === "rejected") {
      repos.transactions.recordInquiryFailure({ ref, provider, reason: outcome.reason, code: outcome.code, message: outcome.message, now });
      if (outcome.reason === "config_error" || outcome.reason === "operator_deposit_low")
        events.accountRefused(outcome.reason, "inquiry", repos.transactions.get(ref)!);
    } else {
      repos.transactions.recordInquiryFailure({ ref, provider, reason: `unavailable_${outcome.fault}`, code: outcome.code, message: outcome.message, now });
    }
    return repos.transactions.get(ref)!;
  }

  /** An inquiry whose answer was never recorded (a crash, a bug): closed as interrupted. */
  function closeInterruptedInquiry(ref: string): TxRow | undefined {
    repos.transactions.recordInquiryFailure({ ref, provider: null, reason: "unavailable_interrupted", now: deps.now() });
    return repos.transactions.get(ref);
  }

  /**
   * Pays an inquiry, exactly once: confirm (compare-and-set inquired → paying, the balance hold and
   * the "started" event) in a durable commit, then the one pay request, then its outcome recorded.
   * Whatever happens after the confirm, the row is never paid again by this path.
   */
  async function pay(ref: string, opts: PayOptions): Promise<PayResult> {
    const confirmed = await deps.commits.run(() => confirm(ref, opts), { durable: true });
    if (confirmed.kind === "refused") return confirmed;
    const outcome = await send(confirmed.tx);
    const tx = await deps.commits.run(() => recordPayOutcome(ref, outcome));
    return { kind: "sent", tx };
  }

  type Confirmed = { kind: "confirmed"; tx: TxRow } | Extract<PayResult, { kind: "refused" }>;

  function confirm(ref: string, opts: PayOptions): Confirmed {
    const now = deps.now();
    const refuse = (why: PayRefusal, tx?: TxRow, balance?: number): Confirmed => ({
      kind: "refused",
      why,
      ...(tx && { tx }),
      ...(balance !== undefined && { balance }),
    });
    const tx = repos.transactions.get(ref);
    if (!tx || tx.user_id !== opts.userId) return refuse("not_found");
    if (tx.status === "paid") return refuse("already_paid", tx);
    if (tx.status === "paying" || tx.status === "pending" || tx.status === "needs_review") return refuse("in_progress", tx);
    if (tx.status === "failed") return refuse("settled", tx);
    if (tx.status !== "inquired") return refuse("not_payable", tx);
    if (tx.expires_at === null || tx.expires_at <= now) {
      repos.transactions.setStatusFrom(ref, "inquired", "expired", now);
      return refuse("expired", tx);
    }
    const open = repos.transactions.openForBill(tx.product, tx.customer_number);
    if (open) return refuse("open_payment", open);
    if (!opts.again) {
      const paidToday = repos.transactions.paidSince(tx.product, tx.customer_number, startOfWibDay(now));
      if (paidToday) return refuse("paid_today", paidToday);
    }
    const provider = deps.router.get(tx.provider ?? "");
    if (!provider) return refuse("not_payable", tx);
    const total = tx.total ?? 0;
    if (opts.userId !== null) {
      const balance = repos.ledger.balance(opts.userId);
      if (balance < total) return refuse("insufficient", tx, balance);
    }
    let started: TxRow | undefined;
    try {
      started = repos.transactions.startPay(ref, now, provider.payTimeoutMs);
    } catch (err) {
      // Another process opened a payment for this bill between our check and our write.
      if (String(err).includes("UNIQUE")) return refuse("open_payment", tx);
      throw err;
    }
    if (started === undefined) return refuse("not_payable", tx);
    // Checked above; should a race still overdraw, post() throws and the confirm rolls back.
    repos.ledger.post({
      userId: opts.userId,
      amount: -total,
      kind: opts.userId === null ? "operator_payment" : "hold",
      txRef: ref,
      actor: opts.actor,
      note: "payment hold",
      now,
    });
    events.started(started);
    return { kind: "confirmed", tx: started };
  }

  /** The one and only pay request of an inquiry. */
  async function send(tx: TxRow): Promise<PayOutcome> {
    const provider = deps.router.get(tx.provider ?? "");
    if (!provider || tx.pay_token === null) return { status: "pending", statusKey: tx.status_key, fault: "network", message: "provider or pay token missing" };
    deps.log.info({ ref: tx.ref, provider: provider.name, product: tx.product }, "pay request");
    try {
      return await provider.pay({
        ref: tx.ref,
        product: tx.product,
        customerNumber: tx.customer_number,
        ...(tx.months === null ? {} : { months: tx.months }),
        payToken: tx.pay_token,
      });
    } catch (err) {
      // A client must fold faults into outcomes; if one slips through, nothing is known: pending.
      deps.log.error({ err, ref: tx.ref }, "pay call threw; treating as pending");
      return { status: "pending", statusKey: tx.status_key, fault: "network" };
    }
  }

  function recordPayOutcome(ref: string, outcome: PayOutcome): TxRow {
    const now = deps.now();
    if (outcome.status === "success") {
      const settled = settleRow(ref, { kind: "paid", receipt: outcome.receipt }, "pay");
      if (settled) return settled;
    } else if (outcome.status === "rejected") {
      const settled = settleRow(ref, { kind: "failed", reason: outcome.reason, code: outcome.code, message: outcome.message }, "pay");
      if (settled) return settled;
    } else {
      const tx = repos.transactions.get(ref)!;
      const statusKey = outcome.statusKey ?? tx.status_key;
      repos.transactions.markPending({ ref, statusKey, nextCheckAt: now + FIRST_CHECK_DELAY_MS, code: outcome.code, message: outcome.message, now });
      if (statusKey === null) markNeedsReview(ref, "no_status_key");
      else events.pending(repos.transactions.get(ref)!);
    }
    return repos.transactions.get(ref)!;
  }

  /**
   * A `paying` row whose pay call never reported (a crash, a bug): the request may or may not have
   * left, so it is handed to the status checks — never paid again — or, without a status key, to a person.
   */
  function handOver(tx: TxRow, why: string): TxRow {
    if (!repos.transactions.markPending({ ref: tx.ref, statusKey: tx.status_key, nextCheckAt: deps.now(), code: why, now: deps.now() }))
      return repos.transactions.get(tx.ref)!;
    if (tx.status_key === null) markNeedsReview(tx.ref, "no_status_key");
    else events.pending(repos.transactions.get(tx.ref)!);
    return repos.transactions.get(tx.ref)!;
  }

  function markNeedsReview(ref: string, reason: string): void {
    if (!repos.transactions.markNeedsReview(ref, reason, deps.now())) return;
    deps.log.warn({ ref, reason }, "payment needs review");
    events.needsReview(repos.transactions.get(ref)!);
  }

  /**
   * Settles an open payment once: paid (price drift booked) or failed (one refund). Idempotent: a
   * second settlement of the same ref changes nothing and returns false (a contradicting one is
   * reported as a conflict).
   */
  function settle(ref: string, result: Settlement, by: SettledBy): boolean {
    return settleRow(ref, result, by) !== null;
  }

  /** settle, giving back the settled row (null when nothing changed). */
  function settleRow(ref: string, result: Settlement, by: SettledBy): TxRow | null {
    const now = deps.now();
    const tx = repos.transactions.get(ref);
    if (!tx) return null;
    if (result.kind === "paid" || result.kind === "confirmed_paid") {
      const receipt = result.kind === "paid" ? result.receipt : {};
      const inquired = tx.price ?? 0;
      const verdict = result.kind === "paid" ? judgeReportedPrice(receipt.price, inquired) : { ok: true as const, price: inquired };
      if (!verdict.ok) {
        // The hold stays at what the payer confirmed; a person decides with /resolve.
        if (tx.status === "failed") events.conflict(tx, "paid", by);
        else markNeedsReview(ref, `implausible_price_${verdict.problem}:${receipt.price ?? "-"}`);
        return null;
      }
      if (!repos.transactions.markPaid({ ref, receipt, paidPrice: verdict.price, by, now })) {
        if (tx.status === "failed") events.conflict(tx, "paid", by);
        return null;
      }
      bookPriceDrift(tx, verdict.price, now);
      // The deposit the receipt reported, for the dashboard (docs/dashboard.md#deposit), in this same commit.
      if (receipt.depositBalance !== undefined) repos.providerDeposit.record(tx.provider ?? "-", receipt.depositBalance, now, ref);
      if (receipt.depositBalance !== undefined && receipt.depositBalance < deps.lowDepositAlert) events.lowDeposit(receipt.depositBalance);
      // Read back: an erased payer's row is masked the moment it settles (migration 005).
      const paid = repos.transactions.get(ref)!;
      events.paid(paid, by);
      return paid;
    }
    if (!repos.transactions.markFailed({ ref, reason: result.reason, code: result.code, message: result.message, by, now })) {
      if (tx.status === "paid" && by !== "pay") events.conflict(tx, "failed", by);
      return null;
    }
    const total = tx.total ?? 0;
    const refund = total > 0 && !repos.ledger.hasRefund(ref) ? total : 0;
    if (refund > 0) repos.ledger.post({ userId: tx.user_id, amount: refund, kind: "refund", txRef: ref, actor: by, note: result.reason, now });
    const failed = repos.transactions.get(ref)!;
    if (result.reason === "operator_deposit_low" || result.reason === "config_error") events.accountRefused(result.reason, "pay", failed);
    events.failed(failed, by, refund);
    return failed;
  }

  /**
   * A price that moved between inquiry and payment (docs/money.md): a lower one gives the payer the
   * difference back in one adjustment row; a higher one (within the tolerance) is the operator's to
   * absorb, since nobody is charged more than the total they confirmed.
   */
  function bookPriceDrift(tx: TxRow, paidPrice: number, now: number) {
    const inquired = tx.price ?? paidPrice;
    if (paidPrice === inquired) return;
    const refunded = Math.max(0, inquired - paidPrice);
    if (refunded > 0) {
      repos.ledger.post({
        userId: tx.user_id,
        amount: refunded,
        kind: "adjustment",
        txRef: tx.ref,
        actor: "system",
        note: `price ${inquired} → ${paidPrice}`,
        now,
      });
    }
    events.priceDrift(tx, paidPrice, refunded);
  }

  return { beginInquiry, inquire, recordInquiry, closeInterruptedInquiry, pay, handOver, settle, markNeedsReview };
}
export type PaymentService = ReturnType<typeof createPaymentService>;
