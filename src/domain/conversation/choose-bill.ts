import { PRODUCTS, checkCustomerNumber, type ProductId } from "../products.ts";
import { displayNumber, productLabel } from "../render.ts";
import { choiceIds } from "./choice-ids.ts";
import type { ConversationContext } from "./context.ts";
import { startInquiry } from "./inquiry-step.ts";
import { cancelChoice, showMainMenu } from "./menus.ts";
import type { Turn } from "./turn.ts";

/** Choosing the bill: product → number (typed or saved) → months, then the inquiry starts. */

export function chooseProduct(ctx: ConversationContext, turn: Turn, product: ProductId): void {
  if (!ctx.router.isOffered(product)) {
    turn.say(ctx.t(turn.locale, "flow.product_unavailable", { product: productLabel(ctx.t, turn.locale, product) }));
    showMainMenu(ctx, turn);
    return;
  }
  turn.state = { ...turn.state, step: "entering_number", product, number: undefined, months: undefined, ref: undefined };
  askNumber(ctx, turn);
}

export function askNumber(ctx: ConversationContext, turn: Turn, problem?: string): void {
  const product = turn.state.product!;
  const saved = ctx.repos.savedNumbers.forProduct(turn.user.id, product);
  const choices = saved.map((s) => [{ id: choiceIds.saved(s.id), label: `${s.label} (${displayNumber(product, s.number)})` }]);
  choices.push([cancelChoice(ctx, turn)]);
  const ask = ctx.t(turn.locale, `flow.ask_number.${product}`);
  turn.say(problem === undefined ? ask : `${problem}\n${ask}`, choices);
}

export function enterNumber(ctx: ConversationContext, turn: Turn, text: string): void {
  const product = turn.state.product!;
  const check = checkCustomerNumber(product, text);
  if (!check.ok) {
    const info = PRODUCTS[product];
    askNumber(ctx, turn, ctx.t(turn.locale, `flow.bad_number.${check.problem}`, { min: info.minDigits, max: info.maxDigits }));
    return;
  }
  numberChosen(ctx, turn, check.number);
}

export function numberChosen(ctx: ConversationContext, turn: Turn, number: string): void {
  const product = turn.state.product!;
  turn.state = { ...turn.state, number };
  const months = ctx.router.monthsOffered(product);
  if (PRODUCTS[product].monthChoices === null) {
    startInquiry(ctx, turn);
  } else if (months.length === 1) {
    turn.state = { ...turn.state, months: months[0] };
    startInquiry(ctx, turn);
  } else {
    turn.state = { ...turn.state, step: "choosing_months" };
    askMonths(ctx, turn);
  }
}

export function askMonths(ctx: ConversationContext, turn: Turn): void {
  const months = ctx.router.monthsOffered(turn.state.product!);
  const l = turn.locale;
  const row = months.map((m) => ({ id: choiceIds.months(m), label: ctx.t(l, "flow.months_option", { count: m }) }));
  turn.say(ctx.t(l, "flow.ask_months"), [row, [cancelChoice(ctx, turn)]]);
}

export function chooseMonths(ctx: ConversationContext, turn: Turn, months: number): void {
  if (!ctx.router.monthsOffered(turn.state.product!).includes(months)) {
    askMonths(ctx, turn);
    return;
  }
  turn.state = { ...turn.state, months };
  startInquiry(ctx, turn);
}
