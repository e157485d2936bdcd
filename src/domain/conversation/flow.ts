import type { TxRow } from "../../db/transactions-repo.ts";
import type { Choice } from "../messages.ts";
import { formatRupiah } from "../money.ts";
import { PRODUCTS, PRODUCT_IDS, checkCustomerNumber, type ProductId } from "../products.ts";
import { billSummary, displayNumber, productLabel, reasonText, txLine } from "../render.ts";
import { startOfWibDay } from "../wib-time.ts";
import type { ConversationContext } from "./context.ts";
import type { Turn } from "./turn.ts";

/** The pay flow of SPEC §3: product → number → months → inquiry → confirm → pay. */

export function mainMenuChoices(ctx: ConversationContext, turn: Turn): Choice[][] {
  const { t } = ctx;
  const l = turn.locale;
  const products = PRODUCT_IDS.filter((p) => ctx.router.isOffered(p)).map((p) => [{ id: `product:${p}`, label: productLabel(t, l, p) }]);
  return [
    ...products,
    [
      { id: "cmd:balance", label: t(l, "menu.balance") },
      { id: "cmd:history", label: t(l, "menu.history") },
    ],
    [
      { id: "cmd:language", label: t(l, "menu.language") },
      { id: "cmd:help", label: t(l, "menu.help") },
    ],
  ];
}

export function showMainMenu(ctx: ConversationContext, turn: Turn, greeting = false): void {
  turn.state = { ...turn.state, step: "choosing_product", product: undefined, number: undefined, months: undefined, ref: undefined };
  const text = greeting ? ctx.t(turn.locale, "menu.greeting") : ctx.t(turn.locale, "menu.title");
  turn.say(text, mainMenuChoices(ctx, turn));
}

const cancelChoice = (ctx: ConversationContext, turn: Turn): Choice => ({ id: "cancel", label: ctx.t(turn.locale, "flow.cancel_button") });

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
  const choices: Choice[][] = saved.map((s) => [{ id: `saved:${s.id}`, label: `${s.label} (${displayNumber(product, s.number)})` }]);
  choices.push([cancelChoice(ctx, turn)]);
  const l = turn.locale;
  const ask = ctx.t(l, `flow.ask_number.${product}`);
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
  const row = months.map((m) => ({ id: `months:${m}`, label: ctx.t(l, "flow.months_option", { count: m }) }));
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

/** Checks limits and open payments, mints the ref, and leaves the provider call to the engine. */
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
  if (repos.transactions.countByUserSince(turn.user.id, hourAgo) >= limit || repos.transactions.otherPayersForNumberSince(number, hourAgo, turn.user.id) >= limit) {
    turn.say(t(l, "flow.inquiry_limit"));
    showMainMenu(ctx, turn);
    return;
  }
  const ref = ctx.payments.beginInquiry({ userId: turn.user.id, product, number, months: turn.state.months ?? null });
  turn.state = { ...turn.state, step: "inquiring", ref };
  turn.say(t(l, "flow.checking", { product: productLabel(t, l, product), number: displayNumber(product, number) }));
  turn.followUp = { kind: "inquire", ref };
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
    let text = billSummary(t, l, tx, balance);
    if (balance < total) {
      text += `\n\n${t(l, "flow.insufficient", { balance: formatRupiah(balance), total: formatRupiah(total) })}`;
      turn.say(text, [[{ id: "cmd:balance", label: t(l, "menu.balance") }], [{ id: `cancel:${tx.ref}`, label: t(l, "flow.cancel_button") }]], `bill:${tx.ref}`);
      return;
    }
    turn.say(
      text,
      [[{ id: `pay:${tx.ref}`, label: t(l, "flow.pay_button", { total: formatRupiah(total) }) }], [{ id: `cancel:${tx.ref}`, label: t(l, "flow.cancel_button") }]],
      `bill:${tx.ref}`,
    );
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
  const retry = reason.startsWith("unavailable_") ? [[{ id: `recheck:${tx.ref}`, label: t(l, "flow.retry_button") }]] : [];
  turn.say(text, [...retry, [{ id: "menu", label: t(l, "flow.menu_button") }]]);
}

/** The payer tapped Pay (or typed it). Only the bill on screen can be paid, and only once. */
export function confirmPay(ctx: ConversationContext, turn: Turn, ref: string, again: boolean): void {
  const { t, repos } = ctx;
  const l = turn.locale;
  const expectedStep = again ? "confirming_again" : "confirming";
  if (turn.state.step !== expectedStep || turn.state.ref !== ref) {
    explainStaleRef(ctx, turn, ref);
    return;
  }
  const tx = repos.transactions.get(ref);
  if (!tx) {
    explainStaleRef(ctx, turn, ref);
    return;
  }
  if (!again) {
    const paidToday = repos.transactions.paidSince(tx.product, tx.customer_number, startOfWibDay(turn.now));
    if (paidToday) {
      turn.state = { ...turn.state, step: "confirming_again" };
      turn.say(t(l, "flow.paid_today_warning", { number: displayNumber(tx.product, tx.customer_number), ref: paidToday.ref }), [
        [{ id: `payagain:${ref}`, label: t(l, "flow.pay_again_button", { total: formatRupiah(tx.total ?? 0) }) }],
        [{ id: `cancel:${ref}`, label: t(l, "flow.cancel_button") }],
      ]);
      return;
    }
  }
  const result = ctx.payments.confirm(ref, turn.user.id, turn.actor);
  if (result.ok) {
    turn.state = { ...turn.state, step: "paying" };
    turn.say(t(l, "pay.processing", { ref }), undefined, `bill:${ref}`);
    turn.followUp = { kind: "pay", ref };
    return;
  }
  turn.state = { ...turn.state, step: "idle", ref: undefined };
  switch (result.why) {
    case "expired":
      turn.say(t(l, "flow.expired"), [[{ id: `recheck:${ref}`, label: t(l, "flow.retry_button") }], [{ id: "menu", label: t(l, "flow.menu_button") }]], `bill:${ref}`);
      return;
    case "insufficient":
      turn.say(t(l, "flow.insufficient", { balance: formatRupiah(result.balance ?? 0), total: formatRupiah(tx.total ?? 0) }), [[{ id: "cmd:balance", label: t(l, "menu.balance") }], [{ id: "menu", label: t(l, "flow.menu_button") }]]);
      return;
    case "open_payment":
      turn.say(t(l, "flow.open_payment", { number: displayNumber(tx.product, tx.customer_number) }), [[{ id: "menu", label: t(l, "flow.menu_button") }]]);
      return;
    default:
      explainStaleRef(ctx, turn, ref);
  }
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
  turn.say(t(l, key, { ref, line: txLine(t, l, tx) }), tx.status === "paid" ? [[{ id: `receipt:${ref}`, label: t(l, "flow.receipt_button") }], [{ id: "menu", label: t(l, "flow.menu_button") }]] : [[{ id: "menu", label: t(l, "flow.menu_button") }]]);
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
  turn.say(t(l, wasIdle ? "flow.nothing_to_cancel" : "flow.cancelled"), [[{ id: "menu", label: t(l, "flow.menu_button") }]], current === undefined ? undefined : `bill:${current}`);
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
        turn.say(`${lead}\n${ctx.t(l, "flow.confirm_hint")}`, [
          [{ id: `pay:${tx.ref}`, label: ctx.t(l, "flow.pay_button", { total: formatRupiah(tx.total ?? 0) }) }],
          [{ id: `cancel:${tx.ref}`, label: ctx.t(l, "flow.cancel_button") }],
        ]);
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
