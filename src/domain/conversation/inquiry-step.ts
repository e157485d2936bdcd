import type { TxRow } from "../../db/transactions-repo.ts";
import { formatRupiah } from "../money.ts";
import { checkCustomerNumber } from "../products.ts";
import { billSummary, displayNumber, productLabel, reasonText } from "../render.ts";
import { askNumber } from "./choose-bill.ts";
import { choiceIds } from "./choice-ids.ts";
import type { ConversationContext } from "./context.ts";
import type { Effect, EffectHandler } from "./effects.ts";
import { billChoices, cancelChoice, menuChoice, showMainMenu } from "./menus.ts";
import type { Turn } from "./turn.ts";
import { shortfallChoices } from "./topup-steps.ts";

/** The inquiry: limits and open payments checked, the ref minted, the provider asked, the bill shown. */

/** Checks limits and open payments, mints the ref, and asks for the inquiry effect. */
export function startInquiry(ctx: ConversationContext, turn: Turn): void {
  const { repos, t } = ctx;
  const l = turn.locale;
  const product = turn.state.product!;
  const number = turn.state.number!;
  if (!ctx.router.isOffered(product)) {
    turn.say(t(l, "flow.product_unavailable", { product: productLabel(t, l, product) }));
    showMainMenu(ctx, turn);
    return;
  }
  const open = repos.transactions.openForBill(product, number);
  if (open) {
    turn.say(t(l, "flow.open_payment", { number: displayNumber(product, number) }));
    showMainMenu(ctx, turn);
    return;
  }
  // An inquiry shows a stranger's name and branch: cap how many a payer makes per hour, and how
  // many different payers may look one number up (so no single account can block a number either).
  const hourAgo = turn.now - 3_600_000;
  const limit = ctx.settings.inquiryLimitPerHour;
  if (
    repos.transactions.countByUserSince(turn.user.id, hourAgo) >= limit ||
    repos.transactions.otherPayersForNumberSince(number, hourAgo, turn.user.id) >= limit
  ) {
    turn.say(t(l, "flow.inquiry_limit"));
    showMainMenu(ctx, turn);
    return;
  }
  const ref = ctx.payments.beginInquiry({ userId: turn.user.id, product, number, months: turn.state.months ?? null });
  turn.state = { ...turn.state, step: "inquiring", ref };
  turn.say(t(l, "flow.checking", { product: productLabel(t, l, product), number: displayNumber(product, number) }));
  turn.request({ kind: "inquire", ref });
}

/** Shows the bill (or why there is none) once the provider has answered. */
export function afterInquiry(ctx: ConversationContext, turn: Turn, tx: TxRow): void {
  const { t, repos } = ctx;
  const l = turn.locale;
  if (turn.state.ref !== tx.ref) return;
  if (tx.status === "inquired") {
    const balance = repos.ledger.balance(turn.user.id);
    const total = tx.total ?? 0;
    turn.state = { ...turn.state, step: "confirming" };
    const text = billSummary(t, l, tx, balance);
    if (balance < total) {
      turn.say(
        `${text}\n\n${t(l, "flow.insufficient", { balance: formatRupiah(balance), total: formatRupiah(total) })}`,
        [...shortfallChoices(ctx, turn, tx, balance), [{ id: choiceIds.command("balance"), label: t(l, "menu.balance") }], [cancelChoice(ctx, turn, tx.ref)]],
        `bill:${tx.ref}`,
      );
      return;
    }
    turn.say(text, billChoices(ctx, turn, tx.ref, total), `bill:${tx.ref}`);
    return;
  }
  const reason = tx.failure_reason ?? "failed";
  const text = t(l, "flow.inquiry_failed", { reason: reasonText(t, l, reason.startsWith("unavailable_") ? "unavailable" : reason, tx.failure_message) });
  if (reason === "wrong_number") {
    turn.state = { ...turn.state, step: "entering_number", ref: undefined };
    askNumber(ctx, turn, text);
    return;
  }
  turn.state = { ...turn.state, step: "idle", ref: undefined };
  const retry = reason.startsWith("unavailable_") ? [[{ id: choiceIds.recheck(tx.ref), label: t(l, "flow.retry_button") }]] : [];
  turn.say(text, [...retry, [menuChoice(ctx, turn)]]);
}

/** Re-runs an inquiry for the same bill (after a timeout or an expired confirmation). */
export function recheck(ctx: ConversationContext, turn: Turn, ref: string): void {
  const tx = ctx.repos.transactions.get(ref);
  if (!tx || tx.user_id !== turn.user.id) {
    turn.say(ctx.t(turn.locale, "errors.stale_button"));
    return;
  }
  // Erased since (only its last four digits are kept): the number must be typed again.
  if (tx.erased || !checkCustomerNumber(tx.product, tx.customer_number).ok) {
    turn.state = { ...turn.state, step: "entering_number", product: tx.product, number: undefined, months: undefined, ref: undefined };
    askNumber(ctx, turn, ctx.t(turn.locale, "flow.number_forgotten"));
    return;
  }
  turn.state = { ...turn.state, product: tx.product, number: tx.customer_number, months: tx.months ?? undefined };
  startInquiry(ctx, turn);
}

/** The inquiry effect: the provider call (payments.inquire records it), answered by afterInquiry. */
export function inquiryEffect(ctx: ConversationContext): EffectHandler<Extract<Effect, { kind: "inquire" }>, TxRow | undefined> {
  return {
    run: (effect) => ctx.payments.inquire(effect.ref),
    // Cut off before its answer was recorded: closed as interrupted, the payer offered a retry.
    resume: (effect) => {
      const tx = ctx.repos.transactions.get(effect.ref);
      return tx?.status === "inquiring" ? ctx.payments.closeInterruptedInquiry(effect.ref) : tx;
    },
    after: (turn, tx) => {
      if (tx === undefined) showMainMenu(ctx, turn);
      else afterInquiry(ctx, turn, tx);
    },
    apologyKey: "errors.internal",
  };
}
