import type { TxRow } from "../../db/transactions-repo.ts";
import { showsNoticeChoices } from "../messages.ts";
import type { PayResult } from "../payments/payment-service.ts";
import { receiptChoices } from "../payments/settlement-notices.ts";
import { formatRupiah } from "../money.ts";
import { displayNumber, txLine } from "../render.ts";
import { choiceIds } from "./choice-ids.ts";
import type { ConversationContext } from "./context.ts";
import type { Effect, EffectHandler } from "./effects.ts";
import { cancelChoice, menuChoice } from "./menus.ts";
import type { Turn } from "./turn.ts";

/**
 * Paying the bill on screen: the tap is checked against the screen, the pay effect runs the money
 * service's one exactly-once sequence, and afterPay answers what the service could not say itself
 * (why it did not start). The outcome's own words — processing, receipt, refund, pending — are
 * written by payments/settlement-notices.ts whoever learns it.
 */

/** The payer tapped Pay (or typed it). Only the bill on screen can be paid, and only once. */
export function confirmPay(ctx: ConversationContext, turn: Turn, ref: string, again: boolean): void {
  const expectedStep = again ? "confirming_again" : "confirming";
  if (turn.state.step !== expectedStep || turn.state.ref !== ref) {
    explainStaleRef(ctx, turn, ref);
    return;
  }
  turn.state = { ...turn.state, step: "paying" };
  turn.request({ kind: "pay", ref, again, actor: turn.actor });
}

/** What the payer hears when a payment did not start, or what follows its outcome's notice when it did. */
export function afterPay(ctx: ConversationContext, turn: Turn, ref: string, result: PayResult): void {
  const { t, repos } = ctx;
  const l = turn.locale;
  turn.state = { ...turn.state, step: "idle", ref: undefined };
  if (result.kind === "sent") {
    afterOutcome(ctx, turn, result.tx);
    return;
  }
  const tx = result.tx ?? repos.transactions.get(ref);
  switch (result.why) {
    case "expired":
      turn.say(t(l, "flow.expired"), [[{ id: choiceIds.recheck(ref), label: t(l, "flow.retry_button") }], [menuChoice(ctx, turn)]], `bill:${ref}`);
      return;
    case "insufficient":
      turn.say(t(l, "flow.insufficient", { balance: formatRupiah(result.balance ?? 0), total: formatRupiah(tx?.total ?? 0) }), [
        [{ id: choiceIds.command("balance"), label: t(l, "menu.balance") }],
        [menuChoice(ctx, turn)],
      ]);
      return;
    case "open_payment":
      turn.say(t(l, "flow.open_payment", { number: tx ? displayNumber(tx.product, tx.customer_number) : "-" }), [[menuChoice(ctx, turn)]]);
      return;
    case "paid_today": {
      const bill = repos.transactions.get(ref)!;
      turn.state = { ...turn.state, step: "confirming_again", ref };
      turn.say(t(l, "flow.paid_today_warning", { number: displayNumber(bill.product, bill.customer_number), ref: tx?.ref ?? "-" }), [
        [{ id: choiceIds.payAgain(ref), label: t(l, "flow.pay_again_button", { total: formatRupiah(bill.total ?? 0) }) }],
        [cancelChoice(ctx, turn, ref)],
      ]);
      return;
    }
    default:
      explainStaleRef(ctx, turn, ref);
  }
}

/**
 * Where a notice's buttons are shown (Telegram) the receipt carries the offer to save the number.
 * Where they are not (WhatsApp, the console), the offer follows the receipt as its own menu
 * (docs/conversation.md#after-the-receipt). Nothing else changes the menu on screen here: a menu
 * only ever becomes current with the message that shows it.
 */
function afterOutcome(ctx: ConversationContext, turn: Turn, tx: TxRow): void {
  if (showsNoticeChoices(turn.user.platform) || tx.status !== "paid" || tx.user_id !== turn.user.id) return;
  const l = turn.locale;
  const choices = receiptChoices(ctx.t, l, tx, ctx.repos.savedNumbers.isSaved(turn.user.id, tx.product, tx.customer_number));
  if (choices.length > 1) turn.say(ctx.t(l, "flow.offer_save"), choices);
}

/** A button for a ref that is no longer on screen: say what became of it, never act. */
export function explainStaleRef(ctx: ConversationContext, turn: Turn, ref: string): void {
  const { t } = ctx;
  const l = turn.locale;
  const tx = ctx.repos.transactions.get(ref);
  if (!tx || tx.user_id !== turn.user.id) {
    turn.say(t(l, "errors.stale_button"));
    return;
  }
  const key =
    tx.status === "paid"
      ? "stale.paid"
      : tx.status === "failed"
        ? "stale.failed"
        : tx.status === "paying" || tx.status === "pending" || tx.status === "needs_review"
          ? "stale.in_progress"
          : tx.status === "cancelled"
            ? "stale.cancelled"
            : "stale.expired";
  turn.say(
    t(l, key, { ref, line: txLine(t, l, tx) }),
    tx.status === "paid" ? [[{ id: choiceIds.receipt(ref), label: t(l, "flow.receipt_button") }], [menuChoice(ctx, turn)]] : [[menuChoice(ctx, turn)]],
  );
}

export function cancelFlow(ctx: ConversationContext, turn: Turn, ref?: string): void {
  const { t, repos } = ctx;
  const l = turn.locale;
  if (ref !== undefined && turn.state.ref !== ref) {
    explainStaleRef(ctx, turn, ref);
    return;
  }
  const current = turn.state.ref;
  if (current !== undefined && (turn.state.step === "confirming" || turn.state.step === "confirming_again")) {
    repos.transactions.setStatusFrom(current, "inquired", "cancelled", turn.now);
  }
  const wasIdle = turn.state.step === "idle" || turn.state.step === "choosing_product";
  turn.state = { ...turn.state, step: "idle", product: undefined, number: undefined, months: undefined, ref: undefined, pendingAction: undefined };
  turn.say(t(l, wasIdle ? "flow.nothing_to_cancel" : "flow.cancelled"), [[menuChoice(ctx, turn)]], current === undefined ? undefined : `bill:${current}`);
}

/** The pay effect: the money service's whole sequence, answered by afterPay. */
export function payEffect(ctx: ConversationContext): EffectHandler<Extract<Effect, { kind: "pay" }>, PayResult> {
  return {
    run: (effect, userId) => ctx.payments.pay(effect.ref, { userId, actor: effect.actor, again: effect.again }),
    // Cut off: a confirmed payment is with the status checks (never paid again); one never confirmed did not start.
    resume: (effect) => {
      const tx = ctx.repos.transactions.get(effect.ref);
      if (tx?.status === "paying") return { kind: "sent", tx: ctx.payments.handOver(tx, "interrupted") };
      if (tx && ["pending", "needs_review", "paid", "failed"].includes(tx.status)) return { kind: "sent", tx };
      if (tx?.status === "inquired") ctx.repos.transactions.setStatusFrom(tx.ref, "inquired", "expired", ctx.now());
      return { kind: "refused", why: "expired" };
    },
    after: (turn, result, effect) => afterPay(ctx, turn, effect.ref, result),
    apologyKey: "errors.internal_pay",
  };
}
