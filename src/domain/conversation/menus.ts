import type { Choice } from "../messages.ts";
import { formatRupiah } from "../money.ts";
import { PRODUCT_IDS } from "../products.ts";
import { productLabel } from "../render.ts";
import { askMonths, askNumber } from "./choose-bill.ts";
import { choiceIds } from "./choice-ids.ts";
import type { ConversationContext } from "./context.ts";
import type { Turn } from "./turn.ts";

/** The main menu and "show me where I am again": the menus every step falls back to. */

export function mainMenuChoices(ctx: ConversationContext, turn: Turn): Choice[][] {
  const { t } = ctx;
  const l = turn.locale;
  const products = PRODUCT_IDS.filter((p) => ctx.router.isOffered(p)).map((p) => [{ id: choiceIds.product(p), label: productLabel(t, l, p) }]);
  return [
    ...products,
    [
      { id: choiceIds.command("balance"), label: t(l, "menu.balance") },
      ...(ctx.topups ? [{ id: choiceIds.topupStart(), label: t(l, "topups.start_button") }] : []),
      { id: choiceIds.command("history"), label: t(l, "menu.history") },
    ],
    [
      { id: choiceIds.command("language"), label: t(l, "menu.language") },
      { id: choiceIds.command("help"), label: t(l, "menu.help") },
    ],
  ];
}

export function showMainMenu(ctx: ConversationContext, turn: Turn, greeting = false): void {
  turn.state = { ...turn.state, step: "choosing_product", product: undefined, number: undefined, months: undefined, ref: undefined };
  const text = greeting ? ctx.t(turn.locale, "menu.greeting") : ctx.t(turn.locale, "menu.title");
  turn.say(text, mainMenuChoices(ctx, turn));
}

export const menuChoice = (ctx: ConversationContext, turn: Turn): Choice => ({ id: choiceIds.menu(), label: ctx.t(turn.locale, "flow.menu_button") });
export const cancelChoice = (ctx: ConversationContext, turn: Turn, ref?: string): Choice => ({
  id: choiceIds.cancel(ref),
  label: ctx.t(turn.locale, "flow.cancel_button"),
});

/** Pay and Cancel for a bill on screen. */
export function billChoices(ctx: ConversationContext, turn: Turn, ref: string, total: number): Choice[][] {
  return [[{ id: choiceIds.pay(ref), label: ctx.t(turn.locale, "flow.pay_button", { total: formatRupiah(total) }) }], [cancelChoice(ctx, turn, ref)]];
}

/** Re-explains the current step after input that does not fit it. */
export function reexplain(ctx: ConversationContext, turn: Turn): void {
  showCurrentMenu(ctx, turn, ctx.t(turn.locale, "flow.not_understood"));
}

/** Shows the current step's menu again, after `lead` (why it is shown again). */
export function showCurrentMenu(ctx: ConversationContext, turn: Turn, lead: string): void {
  const l = turn.locale;
  switch (turn.state.step) {
    case "entering_number":
      askNumber(ctx, turn, lead);
      return;
    case "choosing_months":
      turn.say(lead);
      askMonths(ctx, turn);
      return;
    case "confirming":
    case "confirming_again": {
      const tx = ctx.repos.transactions.get(turn.state.ref ?? "");
      if (tx && tx.status === "inquired") {
        turn.say(`${lead}\n${ctx.t(l, "flow.confirm_hint")}`, billChoices(ctx, turn, tx.ref, tx.total ?? 0));
        if (turn.state.step === "confirming_again") turn.state = { ...turn.state, step: "confirming" };
        return;
      }
      showMainMenu(ctx, turn);
      return;
    }
    case "paying":
    case "inquiring":
      turn.say(ctx.t(l, "flow.busy"));
      return;
    default:
      turn.say(lead);
      showMainMenu(ctx, turn);
  }
}
