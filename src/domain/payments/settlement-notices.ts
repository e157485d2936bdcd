import type { MetaRepo } from "../../db/meta-repo.ts";
import type { LedgerRepo } from "../../db/ledger-repo.ts";
import type { SavedNumbersRepo } from "../../db/saved-numbers-repo.ts";
import type { TxRow } from "../../db/transactions-repo.ts";
import type { Locale, Translate } from "../../i18n.ts";
import { choiceIds } from "../conversation/choice-ids.ts";
import type { Choice } from "../messages.ts";
import { formatRupiah } from "../money.ts";
import { createHourlyAlert } from "../hourly-alert.ts";
import type { Notifier } from "../notifier.ts";
import { reasonText, receiptText } from "../render.ts";
import type { PaymentEvents, SettledBy } from "./payment-events.ts";

const menuChoices = (t: Translate, locale: Locale): Choice[][] => [[{ id: choiceIds.menu(), label: t(locale, "flow.menu_button") }]];

/** A receipt's buttons: "save this number" while it is not saved (and the payer's data not erased), then "Menu". */
export function receiptChoices(t: Translate, locale: Locale, tx: TxRow, saved: boolean): Choice[][] {
  const menu = menuChoices(t, locale);
  return saved || tx.erased ? menu : [[{ id: choiceIds.save(tx.ref), label: t(locale, "flow.save_button") }], ...menu];
}

/**
 * Every word said about a payment, whoever settled it — the pay call, the reconciler, an admin's
 * /resolve, the CLI (docs/architecture.md). Payers get the processing note, the receipt, the refund
 * or the "still pending"; admins get the alerts. An outcome learnt while the payer waits on the
 * pay call edits the bill message into it (tag `bill:<ref>`); one learnt later is a new message, so
 * the payer's phone notifies them. A receipt for a number the payer has not saved carries the offer
 * to save it as a button; on Telegram, which shows a notice's buttons, paying then ends in one
 * message rather than a receipt and a question (docs/conversation.md#after-the-receipt).
 */
export function createSettlementNotices(deps: {
  notifier: Notifier;
  t: Translate;
  ledger: LedgerRepo;
  savedNumbers: Pick<SavedNumbersRepo, "isSaved">;
  meta: MetaRepo;
  now: () => number;
  lowDepositAlert: number;
}): PaymentEvents {
  const { notifier, t } = deps;
  const menu = (locale: Locale) => menuChoices(t, locale);
  const tagFor = (tx: TxRow, by: SettledBy) => (by === "pay" ? { tag: `bill:${tx.ref}` } : {});

  const alertOncePerHour = createHourlyAlert({ meta: deps.meta, now: deps.now, notifier });

  return {
    started(tx) {
      if (tx.user_id === null) return;
      notifier.toUser(tx.user_id, (locale) => ({ text: t(locale, "pay.processing", { ref: tx.ref }), tag: `bill:${tx.ref}` }));
    },
    paid(tx, by) {
      if (tx.user_id === null) return;
      const saved = deps.savedNumbers.isSaved(tx.user_id, tx.product, tx.customer_number);
      notifier.toUser(tx.user_id, (locale) => ({
        text: receiptText(t, locale, tx),
        choices: receiptChoices(t, locale, tx, saved),
        kind: "receipt",
        ...tagFor(tx, by),
      }));
    },
    failed(tx, by, refund) {
      if (tx.user_id === null) return;
      const userId = tx.user_id;
      notifier.toUser(userId, (locale) => ({
        text: t(locale, "pay.failed", {
          ref: tx.ref,
          reason: reasonText(t, locale, tx.failure_reason, tx.failure_message),
          amount: formatRupiah(refund),
          balance: formatRupiah(deps.ledger.balance(userId)),
        }),
        choices: menu(locale),
        kind: "failed",
        ...tagFor(tx, by),
      }));
    },
    pending(tx) {
      if (tx.user_id === null) return;
      notifier.toUser(tx.user_id, (locale) => ({
        text: t(locale, "pay.pending", { ref: tx.ref }),
        choices: menu(locale),
        kind: "pending",
        tag: `bill:${tx.ref}`,
      }));
    },
    needsReview(tx) {
      if (tx.user_id !== null)
        notifier.toUser(tx.user_id, (locale) => ({ text: t(locale, "pay.needs_review", { ref: tx.ref }), choices: menu(locale), kind: "pending" }));
      notifier.toAdmins((locale) => ({
        text: t(locale, "alerts.needs_review", { ref: tx.ref, reason: tx.review_reason ?? "-", provider: tx.provider ?? "-", product: tx.product }),
      }));
    },
    conflict(tx, claimed, by) {
      notifier.toAdmins((locale) => ({ text: t(locale, "alerts.conflict", { ref: tx.ref, settled: tx.status, claimed, by }) }));
    },
    priceDrift(tx, paidPrice, refunded) {
      const inquired = tx.price ?? paidPrice;
      notifier.toAdmins((locale) => ({
        text: t(locale, refunded > 0 ? "alerts.price_drift_down" : "alerts.price_drift_up", {
          ref: tx.ref,
          inquired: formatRupiah(inquired),
          paid: formatRupiah(paidPrice),
          difference: formatRupiah(Math.abs(paidPrice - inquired)),
        }),
      }));
    },
    lowDeposit(balance) {
      alertOncePerHour("low_deposit", (locale) =>
        t(locale, "alerts.low_deposit", { balance: formatRupiah(balance), threshold: formatRupiah(deps.lowDepositAlert) }),
      );
    },
    accountRefused(reason, at, tx) {
      // A refused pay names its payment; a refused inquiry repeats for every payer, so once an hour.
      if (at === "pay") notifier.toAdmins((locale) => ({ text: t(locale, `alerts.${reason}`, { ref: tx.ref, provider: tx.provider ?? "-" }) }));
      else
        alertOncePerHour(`inquiry_${reason}`, (locale) =>
          t(locale, `alerts.inquiry_${reason}`, { provider: tx.provider ?? "-", code: tx.failure_code ?? "-" }),
        );
    },
  };
}
