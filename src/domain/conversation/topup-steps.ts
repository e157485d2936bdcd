import type { OrderRow } from "../../db/topup-orders-repo.ts";
import type { TxRow } from "../../db/transactions-repo.ts";
import type { PayResult } from "../payments/payment-service.ts";
import type { TopupMethod } from "../../gateway/port.ts";
import type { Choice, OutboundMessage } from "../messages.ts";
import { formatRupiah, readRupiah } from "../money.ts";
import { ambiguousAmountText } from "../amount-hint.ts";
import { shortfallAmount } from "../topups/shortfall.ts";
import { PAYER_CHECK_INTERVAL_MS, type CheckResult } from "../topups/topup-service.ts";
import { methodLabel, orderMessage } from "../topups/topup-render.ts";
import { choiceIds } from "./choice-ids.ts";
import type { ConversationContext, TopupFlow } from "./context.ts";
import type { Effect, EffectHandler } from "./effects.ts";
import { recheck } from "./inquiry-step.ts";
import { cancelChoice, menuChoice, showCurrentMenu, showMainMenu } from "./menus.ts";
import { afterPay, explainStaleRef, payEffect } from "./pay-step.ts";
import type { Turn } from "./turn.ts";

/**
 * The payer's side of gateway top-ups (docs/topups.md#the-payer): /isi or "Isi saldo" asks for an
 * amount and a method, the order is written and its charge asked for as an effect, the QR or VA
 * number shown; "check payment" asks the gateway as an effect too. The shortfall flow offers QRIS on
 * a bill the balance cannot cover, and pays that bill once the credit lands (`settleShortfall`).
 */

/** A message with a picture and choices: its choices become the current menu, like turn.say's. */
function show(turn: Turn, message: OutboundMessage): void {
  if (message.choices && message.choices.length > 0) message.nonce = turn.offer(message.choices);
  turn.replies.push(message);
}

function limits(flow: TopupFlow) {
  return { min: formatRupiah(flow.settings.min), max: formatRupiah(flow.settings.max) };
}

/** An amount typed by the payer, within TOPUP_MIN and TOPUP_MAX, or null (and the payer told why). */
function readTopupAmount(ctx: ConversationContext, flow: TopupFlow, turn: Turn, input: string): number | null {
  const { t } = ctx;
  const l = turn.locale;
  const reading = readRupiah(input);
  if (!reading.ok) {
    turn.say(reading.problem === "ambiguous" ? ambiguousAmountText(t, l, input) : t(l, "topups.bad_amount", limits(flow)));
    return null;
  }
  if (reading.amount < flow.settings.min) {
    turn.say(t(l, "topups.below_min", limits(flow)));
    return null;
  }
  if (reading.amount > flow.settings.max) {
    turn.say(t(l, "topups.above_max", limits(flow)));
    return null;
  }
  return reading.amount;
}

/** `/isi [amount]` or "Isi saldo" with a gateway configured. */
export function startTopup(ctx: ConversationContext, flow: TopupFlow, turn: Turn, args: string[]): void {
  const l = turn.locale;
  if (args.length === 0) {
    turn.state = { ...turn.state, step: "topup_amount" };
    turn.say(ctx.t(l, "topups.ask_amount", limits(flow)), [[cancelChoice(ctx, turn)]]);
    return;
  }
  const amount = readTopupAmount(ctx, flow, turn, args.join(" "));
  if (amount !== null) offerMethods(ctx, flow, turn, amount);
}

/** The amount typed after "Isi saldo": a bad one is refused and may be typed again. */
export function topupAmountTyped(ctx: ConversationContext, turn: Turn, text: string): void {
  const flow = ctx.topups;
  if (!flow) return showMainMenu(ctx, turn);
  const amount = readTopupAmount(ctx, flow, turn, text);
  if (amount !== null) offerMethods(ctx, flow, turn, amount);
}

/** One method: charged at once. Several: the payer picks, the first listed first. */
function offerMethods(ctx: ConversationContext, flow: TopupFlow, turn: Turn, amount: number): void {
  const l = turn.locale;
  // Leaves the amount step; a bill on screen (the payer typed /isi while looking at it) stays payable.
  if (turn.state.step === "topup_amount") turn.state = { ...turn.state, step: "idle" };
  const methods = flow.settings.methods;
  if (methods.length === 1) return chargeMethod(ctx, turn, amount, methods[0]!);
  const choices: Choice[][] = methods.map((m) => [{ id: choiceIds.topupVia(m, amount), label: methodLabel(ctx.t, l, m) }]);
  turn.say(ctx.t(l, "topups.choose_method", { amount: formatRupiah(amount) }), [...choices, [cancelChoice(ctx, turn)]]);
}

/** A method chosen from the menu (its amount travels in the choice id, so it is checked again). */
export function topupVia(ctx: ConversationContext, turn: Turn, method: TopupMethod, amount: number): void {
  const flow = ctx.topups;
  if (!flow || !flow.settings.methods.includes(method) || amount < flow.settings.min || amount > flow.settings.max) {
    turn.say(ctx.t(turn.locale, "errors.stale_button"));
    return;
  }
  chargeMethod(ctx, turn, amount, method);
}

/** At most one open order per payer per method: a second request shows the open one again. */
function chargeMethod(ctx: ConversationContext, turn: Turn, amount: number, method: TopupMethod, billRef: string | null = null): void {
  const flow = ctx.topups!;
  const open = ctx.repos.topupOrders.openFor(turn.user.id, method);
  if (open) return showOpen(ctx, turn, open, ctx.t(turn.locale, "topups.open_order"));
  const order = flow.service.createOrder({ userId: turn.user.id, amount, method, billRef });
  turn.say(ctx.t(turn.locale, "topups.creating", { amount: formatRupiah(amount) }));
  turn.request({ kind: "topup_charge", orderId: order.order_id });
}

/** An open order shown again; one past its expiry is being closed, one never shown is being cleared. */
function showOpen(ctx: ConversationContext, turn: Turn, open: OrderRow, lead: string): void {
  const l = turn.locale;
  if (turn.now >= open.expires_at) {
    turn.say(ctx.t(l, "topups.open_order_expiring", { order: open.order_id }), [[menuChoice(ctx, turn)]]);
    return;
  }
  if (open.charge_outcome !== "created") {
    turn.say(ctx.t(l, "topups.open_order_unconfirmed", { order: open.order_id }), [[menuChoice(ctx, turn)]]);
    return;
  }
  show(turn, orderMessage(ctx.t, l, open, lead));
}

/** "Check payment": the gateway is asked (an effect); a credited order just says so. */
export function checkOrder(ctx: ConversationContext, turn: Turn, orderId: string): void {
  const order = ctx.repos.topupOrders.get(orderId);
  if (!ctx.topups || !order || order.user_id !== turn.user.id) {
    turn.say(ctx.t(turn.locale, "errors.stale_button"));
    return;
  }
  if (order.status === "paid") return alreadyCredited(ctx, turn, order);
  turn.request({ kind: "topup_check", orderId });
}

function alreadyCredited(ctx: ConversationContext, turn: Turn, order: OrderRow): void {
  const balance = formatRupiah(ctx.repos.ledger.balance(turn.user.id));
  turn.say(ctx.t(turn.locale, "topups.already_credited", { order: order.order_id, balance }), [[menuChoice(ctx, turn)]]);
}

/** What the payer's check found, unless the check itself told them of a change (then its notice spoke). */
function answerCheck(ctx: ConversationContext, turn: Turn, result: CheckResult): void {
  const { t } = ctx;
  const l = turn.locale;
  const order = result.order;
  if (!order || order.user_id !== turn.user.id) {
    turn.say(t(l, "errors.stale_button"));
    return;
  }
  if (result.payerTold) return;
  switch (order.status) {
    case "pending":
      turn.say(t(l, "topups.not_yet", { order: order.order_id }), [
        [{ id: choiceIds.topupCheck(order.order_id), label: t(l, "topups.check_button") }],
        [menuChoice(ctx, turn)],
      ]);
      return;
    case "paid":
      return alreadyCredited(ctx, turn, order);
    case "needs_review":
      turn.say(t(l, "topups.review", { order: order.order_id, amount: formatRupiah(order.amount) }), [[menuChoice(ctx, turn)]]);
      return;
    default:
      turn.say(t(l, "topups.closed_order", { order: order.order_id, status: t(l, `topups.status.${order.status}`) }), [[menuChoice(ctx, turn)]]);
  }
}

/** "Pay Rp X with QRIS" for a bill the balance cannot cover, when QRIS is offered and the amount allowed. */
export function shortfallChoices(ctx: ConversationContext, turn: Turn, tx: TxRow, balance: number): Choice[][] {
  const flow = ctx.topups;
  if (!flow || !flow.settings.methods.includes("qris")) return [];
  const amount = shortfallAmount(tx.total ?? 0, balance, flow.settings.min);
  if (amount === 0 || amount > flow.settings.max) return [];
  return [[{ id: choiceIds.topupBill(tx.ref), label: ctx.t(turn.locale, "topups.shortfall_button", { amount: formatRupiah(amount) }) }]];
}

/**
 * The payer chose to pay a bill's shortfall with QRIS: their recorded confirmation of that bill at
 * that total, kept on the order (docs/topups.md#the-shortfall). Only the bill on screen, still valid.
 */
export function payShortfall(ctx: ConversationContext, turn: Turn, ref: string): void {
  const { t, repos } = ctx;
  const l = turn.locale;
  const flow = ctx.topups;
  if (!flow || !flow.settings.methods.includes("qris")) {
    turn.say(t(l, "errors.stale_button"));
    return;
  }
  const tx = repos.transactions.get(ref);
  if (turn.state.step !== "confirming" || turn.state.ref !== ref || !tx || tx.user_id !== turn.user.id || tx.status !== "inquired") {
    return explainStaleRef(ctx, turn, ref);
  }
  if (tx.expires_at === null || tx.expires_at <= turn.now) {
    repos.transactions.setStatusFrom(ref, "inquired", "expired", turn.now);
    turn.state = { ...turn.state, step: "idle", ref: undefined };
    turn.say(t(l, "flow.expired"), [[{ id: choiceIds.recheck(ref), label: t(l, "flow.retry_button") }], [menuChoice(ctx, turn)]]);
    return;
  }
  const balance = repos.ledger.balance(turn.user.id);
  const amount = shortfallAmount(tx.total ?? 0, balance, flow.settings.min);
  if (amount === 0) return showCurrentMenu(ctx, turn, t(l, "topups.balance_enough", { balance: formatRupiah(balance) }));
  if (amount > flow.settings.max) {
    turn.say(t(l, "topups.above_max", limits(flow)));
    return;
  }
  const open = repos.topupOrders.openFor(turn.user.id, "qris");
  if (open) {
    // An open QRIS order not yet tied to a bill, large enough: it now pays this one.
    const fits = open.bill_ref === null && open.amount >= (tx.total ?? 0) - balance && repos.topupOrders.attachBill(open.order_id, ref, turn.now);
    const lead = open.bill_ref === ref || fits ? t(l, "topups.open_order") : t(l, "topups.another_open_order");
    return showOpen(ctx, turn, repos.topupOrders.get(open.order_id)!, lead);
  }
  chargeMethod(ctx, turn, amount, "qris", ref);
  // The bill stays on screen, payable the ordinary way should the balance suffice first.
  turn.state = { ...turn.state, step: "confirming", ref };
}

/**
 * Whether the payer has something else on screen than the bill `ref`: another bill to confirm, a
 * number or an amount being typed. Then a shortfall's bill is dealt with aside: the screen, its
 * step and its menu stay theirs (docs/topups.md#the-shortfall).
 */
function busyElsewhere(turn: Turn, ref: string): boolean {
  const { step } = turn.state;
  if (step === "idle" || step === "choosing_product") return false;
  // This very bill on screen (to confirm, or being paid). A step that kept its ref — an amount
  // being typed after /isi from this bill's screen — is something else on screen.
  const billOnScreen = turn.state.ref === ref && (step === "confirming" || step === "confirming_again" || step === "paying");
  return !billOnScreen;
}

/**
 * Words said aside: not a menu (no nonce, the current menu stays current), so numbers typed still
 * answer the screen. Its buttons are self-identifying (choice-ids.ts): they work from any screen.
 */
function sayAside(turn: Turn, text: string, choices?: Choice[][]): void {
  turn.replies.push(choices === undefined ? { text } : { text, choices });
}

/** A fresh check of a bill, offered aside (the payer's tap starts it), and the way back to the menu. */
function recheckChoices(ctx: ConversationContext, turn: Turn, ref: string): Choice[][] {
  return [[{ id: choiceIds.recheck(ref), label: ctx.t(turn.locale, "flow.retry_button") }], [menuChoice(ctx, turn)]];
}

/**
 * Something the bot does unasked once a shortfall order is credited (engine.act): the bill it was
 * for is paid through the ordinary exactly-once path while its inquiry is valid; if the inquiry
 * expired meanwhile, the payer is shown a fresh one to confirm. Once per order (a compare-and-set).
 * When the payer has moved on to another screen (another bill, typing a number), the bill is paid
 * (or the fresh check offered) aside, never taking that screen over.
 */
export function settleShortfall(ctx: ConversationContext, turn: Turn, orderId: string): void {
  const { repos, t } = ctx;
  const order = repos.topupOrders.get(orderId);
  if (!order || order.status !== "paid" || order.bill_ref === null || order.user_id !== turn.user.id) return;
  if (!repos.topupOrders.markBillHandled(orderId, turn.now)) return;
  const tx = repos.transactions.get(order.bill_ref);
  if (!tx || tx.user_id !== turn.user.id) return;
  const aside = busyElsewhere(turn, tx.ref);
  const balance = formatRupiah(repos.ledger.balance(turn.user.id));
  if (tx.status === "inquired" && tx.expires_at !== null && tx.expires_at > turn.now) {
    const actor = `${turn.user.platform}:${turn.user.public_id}`;
    if (aside) {
      turn.request({ kind: "pay_aside", ref: tx.ref, actor });
      return;
    }
    turn.state = { ...turn.state, step: "paying", ref: tx.ref, product: tx.product, number: tx.customer_number, months: tx.months ?? undefined };
    turn.request({ kind: "pay", ref: tx.ref, again: false, actor });
    return;
  }
  if (tx.status === "inquired" || tx.status === "expired") {
    if (tx.status === "inquired") repos.transactions.setStatusFrom(tx.ref, "inquired", "expired", turn.now);
    if (aside) return sayAside(turn, t(turn.locale, "topups.bill_aside_recheck", { ref: tx.ref, balance }), recheckChoices(ctx, turn, tx.ref));
    turn.say(t(turn.locale, "topups.bill_recheck", { ref: tx.ref }));
    recheck(ctx, turn, tx.ref);
    return;
  }
  // Cancelled by the payer, or paid another way meanwhile: the credit stays in the balance.
  const text = t(turn.locale, "topups.bill_not_paid", { ref: tx.ref, status: t(turn.locale, `status.${tx.status}`), balance });
  if (aside) return sayAside(turn, text, [[menuChoice(ctx, turn)]]);
  turn.say(text, [[menuChoice(ctx, turn)]]);
}

/**
 * The pay of a shortfall's bill while the payer looks at something else: the very same pay effect
 * (payments.pay, exactly once), answered without touching their screen. Its processing note and
 * receipt are the payment's own notices; a pay that did not start says so aside, with a fresh check
 * offered.
 */
export function payAsideEffect(ctx: ConversationContext): EffectHandler<Extract<Effect, { kind: "pay_aside" }>, PayResult> {
  const pay = payEffect(ctx);
  const asPay = (effect: { ref: string; actor: string }) => ({ kind: "pay" as const, ref: effect.ref, again: false, actor: effect.actor });
  return {
    run: (effect, userId) => pay.run(asPay(effect), userId),
    resume: (effect) => pay.resume(asPay(effect)),
    after: (turn, result, effect) => {
      // Nothing else on screen any more (cannot happen in one queue, but cheap to honour): the ordinary answer.
      if (!busyElsewhere(turn, effect.ref)) return afterPay(ctx, turn, effect.ref, result);
      if (result.kind === "sent") return;
      const balance = formatRupiah(ctx.repos.ledger.balance(turn.user.id));
      sayAside(turn, ctx.t(turn.locale, "topups.bill_aside_not_paid", { ref: effect.ref, balance }), recheckChoices(ctx, turn, effect.ref));
    },
    apologyKey: "errors.internal_pay",
  };
}

/** The charge effect: the gateway call (the service records it), answered by showing the order. */
export function topupChargeEffect(ctx: ConversationContext): EffectHandler<Extract<Effect, { kind: "topup_charge" }>, OrderRow | undefined> {
  return {
    run: async (effect) => (ctx.topups ? ctx.topups.service.charge(effect.orderId) : ctx.repos.topupOrders.get(effect.orderId)),
    // Cut off: a charge never started is closed (never charged); one started is the poller's to clear up.
    resume: (effect) => {
      const order = ctx.repos.topupOrders.get(effect.orderId);
      if (order?.status === "pending" && order.charge_started_at === null && ctx.topups) return ctx.topups.service.closeUncharged(effect.orderId);
      return order;
    },
    after: (turn, order) => answerCharge(ctx, turn, order),
    apologyKey: "errors.internal",
  };
}

function answerCharge(ctx: ConversationContext, turn: Turn, order: OrderRow | undefined): void {
  const { t } = ctx;
  const l = turn.locale;
  if (!order || order.user_id !== turn.user.id) return showMainMenu(ctx, turn);
  if (order.status === "pending" && order.charge_outcome === "created") return show(turn, orderMessage(t, l, order));
  if (order.status === "paid") return alreadyCredited(ctx, turn, order);
  const key =
    order.status === "refused"
      ? "topups.refused"
      : order.charge_started_at === null
        ? "topups.not_charged"
        : order.status === "pending"
          ? "topups.unknown"
          : "topups.not_charged";
  turn.say(t(l, key, { method: methodLabel(t, l, order.method) }), [[menuChoice(ctx, turn)]]);
}

/** The payer's "check payment": the gateway asked at once (at most every few seconds), answered by answerCheck. */
export function topupCheckEffect(ctx: ConversationContext): EffectHandler<Extract<Effect, { kind: "topup_check" }>, CheckResult> {
  return {
    run: async (effect) =>
      ctx.topups
        ? ctx.topups.service.check(effect.orderId, "payer", { minIntervalMs: PAYER_CHECK_INTERVAL_MS })
        : { order: ctx.repos.topupOrders.get(effect.orderId), payerTold: false },
    resume: (effect) => ({ order: ctx.repos.topupOrders.get(effect.orderId), payerTold: false }),
    after: (turn, result) => answerCheck(ctx, turn, result),
    apologyKey: "errors.internal",
  };
}
