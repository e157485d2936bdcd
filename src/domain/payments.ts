import type { Logger } from "pino";
import type { Repos } from "../db/repos.ts";
import type { TxRow } from "../db/transactions-repo.ts";
import type { Locale, Translate } from "../i18n.ts";
import type { OutboundMessage } from "./messages.ts";
import type { InquiryOutcome, PayOutcome, Receipt, RejectReason } from "../providers/port.ts";
import type { ProviderRouter } from "../providers/router.ts";
import { formatRupiah } from "./money.ts";
import type { Notifier } from "./notifier.ts";
import type { ProductId } from "./products.ts";
import { mintRef } from "./ref.ts";
import { reasonText, receiptText } from "./render.ts";
import { judgeReportedPrice } from "./price-check.ts";
import { endOfWibDay } from "./wib-time.ts";

export const FIRST_CHECK_DELAY_MS = 5_000;

export type ConfirmResult =
  | { ok: true; tx: TxRow }
  | { ok: false; why: "not_found" | "expired" | "already_paid" | "in_progress" | "settled" | "not_payable" | "insufficient" | "open_payment"; tx?: TxRow; balance?: number };

/** Lets the interactive path attach its next menu to the settlement notice. */
export type Decorate = (locale: Locale) => Pick<OutboundMessage, "choices" | "nonce">;

export type Settlement =
  /** The provider says it is paid; its reported price is booked only if plausible. */
  | { kind: "paid"; receipt: Receipt }
  /** A person (an admin's /resolve) says it is paid: booked at the inquired price. */
  | { kind: "confirmed_paid" }
  | { kind: "failed"; reason: RejectReason | "not_received" | "manual"; code?: string; message?: string };

/**
 * The money model (SPEC §4, §5): inquiries mint refs, confirming holds the balance with a
 * compare-and-set, a pay request is sent at most once per inquiry, and every outcome settles
 * through `settle`, whoever learns it (the pay call, the reconciler, an admin).
 * Methods without `async` run inside the caller's transaction.
 */
export function createPaymentService(deps: {
  repos: Repos;
  router: ProviderRouter;
  notifier: Notifier;
  t: Translate;
  now: () => number;
  fees: Readonly<Record<ProductId, number>>;
  inquiryTtlMs: number;
  lowDepositAlert: number;
  log: Logger;
}) {
  const { repos, notifier, t } = deps;

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

  async function runInquiry(ref: string): Promise<{ provider: string | null; outcome: InquiryOutcome }> {
    const tx = repos.transactions.get(ref);
    if (!tx) throw new Error(`unknown transaction ${ref}`);
    return deps.router.inquire({
      ref,
      product: tx.product,
      customerNumber: tx.customer_number,
      ...(tx.months === null ? {} : { months: tx.months }),
    });
  }

  function finishInquiry(ref: string, provider: string | null, outcome: InquiryOutcome): TxRow {
    const now = deps.now();
    if (outcome.status === "success") {
      const tx = repos.transactions.get(ref)!;
      const statusKey = provider === null ? null : (deps.router.get(provider)?.statusKeyBeforePay(ref) ?? null);
      // SPEC §3: valid for the TTL, and never past 24:00 WIB (IAK refuses a pay on a later day).
      const expiresAt = Math.min(now + deps.inquiryTtlMs, endOfWibDay(tx.created_at));
      repos.transactions.recordInquirySuccess({ ref, provider: provider!, bill: outcome.bill, total: outcome.bill.price + tx.fee, statusKey, expiresAt, now });
    } else if (outcome.status === "rejected") {
      repos.transactions.recordInquiryFailure({ ref, provider, reason: outcome.reason, code: outcome.code, message: outcome.message, now });
      // Every payer would just see "unavailable": the operator must hear that the account itself is refused.
      if (outcome.reason === "config_error" || outcome.reason === "operator_deposit_low") {
        alertOncePerHour(`inquiry_${outcome.reason}`, (locale) => t(locale, `alerts.inquiry_${outcome.reason}`, { provider: provider ?? "-", code: outcome.code ?? "-" }));
      }
    } else {
      repos.transactions.recordInquiryFailure({ ref, provider, reason: `unavailable_${outcome.fault}`, code: outcome.code, message: outcome.message, now });
    }
    return repos.transactions.get(ref)!;
  }

  /**
   * The confirm step (run it `durably`): compare-and-set inquired → paying and the balance hold,
   * in one transaction. Anything that is not a fresh, unexpired, affordable inquiry says why.
   */
  function confirm(ref: string, userId: number | null, actor: string): ConfirmResult {
    const now = deps.now();
    const tx = repos.transactions.get(ref);
    if (!tx || tx.user_id !== userId) return { ok: false, why: "not_found" };
    if (tx.status === "paid") return { ok: false, why: "already_paid", tx };
    if (tx.status === "paying" || tx.status === "pending" || tx.status === "needs_review") return { ok: false, why: "in_progress", tx };
    if (tx.status === "failed") return { ok: false, why: "settled", tx };
    if (tx.status !== "inquired") return { ok: false, why: "not_payable", tx };
    if (tx.expires_at === null || tx.expires_at <= now) {
      repos.transactions.setStatusFrom(ref, "inquired", "expired", now);
      return { ok: false, why: "expired", tx };
    }
    const open = repos.transactions.openForBill(tx.product, tx.customer_number);
    if (open) return { ok: false, why: "open_payment", tx: open };
    const provider = deps.router.get(tx.provider ?? "");
    if (!provider) return { ok: false, why: "not_payable", tx };
    const total = tx.total ?? 0;
    if (userId !== null) {
      const balance = repos.ledger.balance(userId);
      if (balance < total) return { ok: false, why: "insufficient", tx, balance };
    }
    try {
      if (!repos.transactions.startPay(ref, now, provider.payTimeoutMs)) return { ok: false, why: "not_payable", tx };
    } catch (err) {
      // Another process opened a payment for this bill between our check and our write.
      if (String(err).includes("UNIQUE")) return { ok: false, why: "open_payment", tx };
      throw err;
    }
    // Checked above; should a race still overdraw, post() throws and the whole step rolls back.
    repos.ledger.post({ userId, amount: -total, kind: userId === null ? "operator_payment" : "hold", txRef: ref, actor, note: "payment hold", now });
    return { ok: true, tx: repos.transactions.get(ref)! };
  }

  /** The one and only pay request of an inquiry. Only called right after a committed `confirm`. */
  async function executePay(ref: string): Promise<PayOutcome> {
    const tx = repos.transactions.get(ref);
    if (!tx || tx.status !== "paying" || tx.pay_token === null) throw new Error(`transaction ${ref} is not paying`);
    const provider = deps.router.get(tx.provider ?? "");
    if (!provider) throw new Error(`provider ${tx.provider} is not configured`);
    deps.log.info({ ref, provider: provider.name, product: tx.product }, "pay request");
    try {
      return await provider.pay({
        ref,
        product: tx.product,
        customerNumber: tx.customer_number,
        ...(tx.months === null ? {} : { months: tx.months }),
        payToken: tx.pay_token,
      });
    } catch (err) {
      // A client must fold faults into outcomes; if one slips through, nothing is known: pending.
      deps.log.error({ err, ref }, "pay call threw; treating as pending");
      return { status: "pending", statusKey: tx.status_key, fault: "network" };
    }
  }

  /** Records what the pay call said. */
  function applyPayOutcome(ref: string, outcome: PayOutcome, decorate?: Decorate): TxRow {
    const now = deps.now();
    if (outcome.status === "success") {
      settle(ref, { kind: "paid", receipt: outcome.receipt }, "pay", decorate);
    } else if (outcome.status === "rejected") {
      settle(ref, { kind: "failed", reason: outcome.reason, code: outcome.code, message: outcome.message }, "pay", decorate);
    } else {
      const tx = repos.transactions.get(ref)!;
      const statusKey = outcome.statusKey ?? tx.status_key;
      repos.transactions.markPending({ ref, statusKey, nextCheckAt: now + FIRST_CHECK_DELAY_MS, code: outcome.code, message: outcome.message, now });
      if (statusKey === null) {
        markNeedsReview(ref, "no_status_key");
      } else if (tx.user_id !== null) {
        notifier.toUser(tx.user_id, (locale) => ({ text: t(locale, "pay.pending", { ref }), tag: `bill:${ref}`, ...decorate?.(locale) }));
      }
    }
    return repos.transactions.get(ref)!;
  }

  function markNeedsReview(ref: string, reason: string) {
    const now = deps.now();
    if (!repos.transactions.markNeedsReview(ref, reason, now)) return;
    const tx = repos.transactions.get(ref)!;
    deps.log.warn({ ref, reason }, "payment needs review");
    if (tx.user_id !== null) notifier.toUser(tx.user_id, (locale) => ({ text: t(locale, "pay.needs_review", { ref }) }));
    notifier.toAdmins((locale) => ({ text: t(locale, "alerts.needs_review", { ref, reason, provider: tx.provider ?? "-", product: tx.product }) }));
  }

  /**
   * Settles an open payment once: paid (receipt, price drift booked) or failed (one refund).
   * Idempotent: a second settlement of the same ref changes nothing and returns false.
   */
  function settle(ref: string, result: Settlement, by: string, decorate?: Decorate): boolean {
    const now = deps.now();
    // Answering the payer's own tap, the bill message turns into its outcome; a settlement learnt
    // later is a new message, so the payer's phone notifies them (an edit would be silent).
    const tag = by === "pay" ? `bill:${ref}` : undefined;
    const tx = repos.transactions.get(ref);
    if (!tx) return false;
    if (result.kind === "paid" || result.kind === "confirmed_paid") {
      const receipt = result.kind === "paid" ? result.receipt : {};
      const inquired = tx.price ?? 0;
      const verdict = result.kind === "paid" ? judgeReportedPrice(receipt.price, inquired) : { ok: true as const, price: inquired };
      if (!verdict.ok) {
        // The hold stays at what the payer confirmed; a person decides with /resolve.
        if (tx.status === "failed") conflict(tx, "paid", by);
        else markNeedsReview(ref, `implausible_price_${verdict.problem}:${receipt.price ?? "-"}`);
        return false;
      }
      const paidPrice = verdict.price;
      if (!repos.transactions.markPaid({ ref, receipt, paidPrice, by, now })) {
        if (tx.status === "failed") conflict(tx, "paid", by);
        return false;
      }
      bookPriceDrift(tx, paidPrice, now);
      checkDeposit(receipt.depositBalance);
      if (tx.user_id !== null) {
        const settled = repos.transactions.get(ref)!;
        notifier.toUser(tx.user_id, (locale) => ({ text: receiptText(t, locale, settled), ...(tag ? { tag } : {}), ...decorate?.(locale) }));
      }
      return true;
    }
    if (!repos.transactions.markFailed({ ref, reason: result.reason, code: result.code, message: result.message, by, now })) {
      if (tx.status === "paid" && by !== "pay") conflict(tx, "failed", by);
      return false;
    }
    const total = tx.total ?? 0;
    if (total > 0 && !repos.ledger.hasRefund(ref)) {
      repos.ledger.post({ userId: tx.user_id, amount: total, kind: "refund", txRef: ref, actor: by, note: result.reason, now });
    }
    if (result.reason === "operator_deposit_low" || result.reason === "config_error") {
      notifier.toAdmins((locale) => ({ text: t(locale, `alerts.${result.reason}`, { ref, provider: tx.provider ?? "-" }) }));
    }
    if (tx.user_id !== null) {
      const userId = tx.user_id;
      notifier.toUser(userId, (locale) => ({
        text: t(locale, "pay.failed", {
          ref,
          reason: reasonText(t, locale, result.reason, result.message),
          amount: formatRupiah(total),
          balance: formatRupiah(repos.ledger.balance(userId)),
        }),
        ...(tag ? { tag } : {}),
        ...decorate?.(locale),
      }));
    }
    return true;
  }

  /**
   * Two sources disagree about a settled payment (an admin's verdict, then the provider's): nothing
   * is changed automatically — money may have moved either way — but a person must look now.
   */
  function conflict(tx: TxRow, claimed: "paid" | "failed", by: string) {
    deps.log.error({ ref: tx.ref, settledAs: tx.status, claimed, by }, "conflicting settlement");
    notifier.toAdmins((locale) => ({ text: t(locale, "alerts.conflict", { ref: tx.ref, settled: tx.status, claimed, by }) }));
  }

  /**
   * A price that moved between inquiry and payment (docs/money.md): a lower one gives the payer the
   * difference back in one adjustment row; a higher one (within the tolerance) is the operator's
   * to absorb, since nobody is charged more than the total they confirmed. Admins are told either way.
   */
  function bookPriceDrift(tx: TxRow, paidPrice: number, now: number) {
    const inquired = tx.price ?? paidPrice;
    if (paidPrice === inquired) return;
    const refunded = Math.max(0, inquired - paidPrice);
    if (refunded > 0) {
      repos.ledger.post({ userId: tx.user_id, amount: refunded, kind: "adjustment", txRef: tx.ref, actor: "system", note: `price ${inquired} → ${paidPrice}`, now });
    }
    notifier.toAdmins((locale) => ({
      text: t(locale, refunded > 0 ? "alerts.price_drift_down" : "alerts.price_drift_up", {
        ref: tx.ref,
        inquired: formatRupiah(inquired),
        paid: formatRupiah(paidPrice),
        difference: formatRupiah(Math.abs(paidPrice - inquired)),
      }),
    }));
  }

  function checkDeposit(balance: number | undefined) {
    if (balance === undefined || balance >= deps.lowDepositAlert) return;
    alertOncePerHour("low_deposit", (locale) => t(locale, "alerts.low_deposit", { balance: formatRupiah(balance), threshold: formatRupiah(deps.lowDepositAlert) }));
  }

  /** One alert of a kind an hour is enough: every payment or inquiry would otherwise page the admins. */
  function alertOncePerHour(kind: string, text: (locale: Locale) => string) {
    const now = deps.now();
    const key = `alerted_at:${kind}`;
    const last = repos.db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?").get(key);
    if (last && now - Number(last.value) < 3_600_000) return;
    repos.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, String(now));
    notifier.toAdmins((locale) => ({ text: text(locale) }));
  }

  return { beginInquiry, runInquiry, finishInquiry, confirm, executePay, applyPayOutcome, settle, markNeedsReview };
}
export type PaymentService = ReturnType<typeof createPaymentService>;
