import type { ConversationContext } from "./context.ts";
import { choiceIds, parseChoice, isSelfIdentifying, type ParsedChoice } from "./choice-ids.ts";
import { chooseMonths, chooseProduct, enterNumber, numberChosen } from "./choose-bill.ts";
import { parseCommand } from "./commands.ts";
import { createEffectRegistry, type EffectRegistry } from "./effects.ts";
import { inquiryEffect, recheck } from "./inquiry-step.ts";
import { menuChoice, reexplain, showCurrentMenu, showMainMenu } from "./menus.ts";
import { cancelFlow, confirmPay, explainStaleRef, payEffect } from "./pay-step.ts";
import { eraseMyData, runPayerCommand, setLanguage, showSavedNumbers } from "./payer-commands.ts";
import { freshSession } from "./session.ts";
import { checkOrder, payShortfall, startTopup, topupAmountTyped, topupChargeEffect, topupCheckEffect, topupVia } from "./topup-steps.ts";
import { payAsideEffect } from "./topup-steps.ts";
import type { Turn } from "./turn.ts";
import { receiptText, txLine } from "../render.ts";
import { autopayInquiryEffect, autopayPayEffect, payAutopayBill } from "../reminders/autopay-step.ts";
import { autopaySetupText, confirmAutopay, reminderChoice, reminderOffer } from "../reminders/settings-step.ts";

const CONFIRM_WORDS = new Set(["ya", "yes", "y", "bayar", "pay", "ok", "oke"]);

/** Every effect a conversation step can ask for, with its handler (docs/architecture.md). */
export function conversationEffects(ctx: ConversationContext): EffectRegistry {
  return createEffectRegistry({
    inquire: inquiryEffect(ctx),
    pay: payEffect(ctx),
    topup_charge: topupChargeEffect(ctx),
    topup_check: topupCheckEffect(ctx),
    autopay_inquire: autopayInquiryEffect(ctx),
    autopay_pay: autopayPayEffect(ctx),
    pay_aside: payAsideEffect(ctx),
  });
}

/**
 * The conversation's state machine (docs/conversation.md) for one inbound event. It only reads and
 * writes through the turn and the repositories, inside the caller's commit; provider calls are
 * asked for as effects.
 */
export function handleEvent(ctx: ConversationContext, turn: Turn, opts: { reset: boolean; firstContact: boolean }): void {
  const { t } = ctx;
  const event = turn.event!;
  const l = () => turn.locale;

  if (opts.reset) turn.say(t(l(), "session.reset"));

  // A step that waits for a provider call cannot be current here: the engine answers every effect
  // before the person's next event. Should one be left anyway, never leave the payer stuck in it.
  if (turn.state.step === "paying" || turn.state.step === "inquiring") recoverStuckStep(ctx, turn);

  // Inactivity: say so, and start over (a payment in flight is not a session to expire).
  const idleFor = turn.now - turn.state.at;
  if (turn.state.step !== "idle" && turn.state.step !== "paying" && idleFor > ctx.settings.sessionTtlMs) {
    if (turn.state.ref !== undefined) ctx.repos.transactions.setStatusFrom(turn.state.ref, "inquired", "expired", turn.now);
    turn.state = freshSession(turn.now, turn.state.nonce);
    turn.say(t(l(), "session.expired"));
  }

  // Commands always run, whatever the state and even as a first message.
  if (event.text !== undefined && event.choice === undefined) {
    const command = parseCommand(event.text);
    if (command) {
      if (command.kind === "payer") return runPayerCommand(ctx, turn, command.name, command.args);
      if (command.kind === "admin" && turn.isAdmin && ctx.admin) return ctx.admin.command(turn, command.name, command.args, command.rest);
      turn.say(t(l(), "errors.unknown_command"));
      return;
    }
  }

  // A tapped button, or a number typed against the last numbered menu.
  let choiceId = event.choice?.id;
  let nonce = event.choice?.nonce;
  const text = event.text?.trim() ?? "";
  const typedChoice = choiceId === undefined && (/^\d{1,2}$/.test(text) || (turn.state.step === "confirming" && CONFIRM_WORDS.has(text.toLowerCase())));
  // Typed while a provider call ran, before the menu now on screen existed: it answers an older menu.
  // Answer with the current one and act on nothing, so no one pays a bill they have not seen.
  if (typedChoice && turn.typedBeforeMenu()) return showCurrentMenu(ctx, turn, t(l(), "errors.typed_before_menu", { text }));
  if (choiceId === undefined && /^\d{1,2}$/.test(text)) {
    const picked = turn.state.menu[Number(text) - 1];
    if (picked !== undefined) {
      choiceId = picked;
      nonce = turn.state.nonce;
    }
  }
  if (choiceId !== undefined) {
    const choice = parseChoice(choiceId);
    if (!choice) {
      turn.say(t(l(), "errors.stale_button"));
      return;
    }
    // Menu-bound choices are only good from the menu that offered them.
    if (!isSelfIdentifying(choice) && (nonce === undefined || nonce !== turn.state.nonce || !turn.state.menu.includes(choiceId))) {
      turn.say(t(l(), "errors.stale_button"));
      reexplain(ctx, turn);
      return;
    }
    return handleChoice(ctx, turn, choice);
  }

  if (text.toLowerCase() === "menu") return showMainMenu(ctx, turn);

  switch (turn.state.step) {
    case "idle":
    case "choosing_product":
      // A customer number typed at the menu: say what is missing rather than just repeating the menu.
      if (!opts.firstContact && /^[\d\s-]{6,}$/.test(text)) turn.say(t(l(), "flow.choose_product_first"));
      return showMainMenu(ctx, turn, opts.firstContact || (turn.state.step === "idle" && !/^[\d\s-]{6,}$/.test(text)));
    case "entering_number":
      return enterNumber(ctx, turn, text);
    case "confirming":
      if (CONFIRM_WORDS.has(text.toLowerCase()) && turn.state.ref !== undefined) return confirmPay(ctx, turn, turn.state.ref, false);
      return reexplain(ctx, turn);
    case "naming_saved":
      return saveNumber(ctx, turn, text);
    case "topup_amount":
      return topupAmountTyped(ctx, turn, text);
    case "autopay_day":
    case "autopay_ceiling":
    case "autopay_confirm":
      return autopaySetupText(ctx, turn, text);
    default:
      return reexplain(ctx, turn);
  }
}

function handleChoice(ctx: ConversationContext, turn: Turn, choice: ParsedChoice): void {
  const { t, repos } = ctx;
  const l = turn.locale;
  switch (choice.kind) {
    case "product":
      return chooseProduct(ctx, turn, choice.product);
    case "months":
      if (turn.state.step !== "choosing_months") return reexplain(ctx, turn);
      return chooseMonths(ctx, turn, choice.months);
    case "saved": {
      const saved = repos.savedNumbers.get(turn.user.id, choice.id);
      if (!saved || turn.state.step !== "entering_number" || saved.product !== turn.state.product) return reexplain(ctx, turn);
      return numberChosen(ctx, turn, saved.number);
    }
    case "pay":
      return confirmPay(ctx, turn, choice.ref, false);
    case "pay_again":
      return confirmPay(ctx, turn, choice.ref, true);
    case "cancel":
      return cancelFlow(ctx, turn, choice.ref);
    case "recheck":
      return recheck(ctx, turn, choice.ref);
    case "receipt": {
      const tx = repos.transactions.get(choice.ref);
      if (!tx || tx.user_id !== turn.user.id || tx.status !== "paid") return explainStaleRef(ctx, turn, choice.ref);
      turn.say(receiptText(t, l, tx));
      return;
    }
    case "save": {
      const tx = repos.transactions.get(choice.ref);
      if (!tx || tx.user_id !== turn.user.id || tx.erased) return explainStaleRef(ctx, turn, choice.ref);
      turn.state = { ...turn.state, step: "naming_saved", ref: tx.ref, product: tx.product, number: tx.customer_number };
      turn.say(t(l, "saved.ask_label"), [[{ id: choiceIds.cancel(), label: t(l, "flow.cancel_button") }]]);
      return;
    }
    case "unsave":
      if (repos.savedNumbers.remove(turn.user.id, choice.id)) turn.say(t(l, "saved.deleted"));
      return runPayerCommand(ctx, turn, "saved", []);
    case "saved_page":
      return showSavedNumbers(ctx, turn, choice.page);
    case "menu":
      return showMainMenu(ctx, turn);
    case "language":
      return setLanguage(ctx, turn, choice.locale);
    case "command":
      return runPayerCommand(ctx, turn, choice.name === "saved" ? "saved" : choice.name, []);
    case "erase_confirm":
      return eraseMyData(ctx, turn);
    case "topup_start":
      if (!ctx.topups) return runPayerCommand(ctx, turn, "topup_request", []);
      return startTopup(ctx, ctx.topups, turn, []);
    case "topup_via":
      return topupVia(ctx, turn, choice.method, choice.amount);
    case "topup_check":
      return checkOrder(ctx, turn, choice.orderId);
    case "topup_bill":
      return payShortfall(ctx, turn, choice.ref);
    case "admin_yes":
    case "admin_no":
    case "topup_decision":
      if (turn.isAdmin && ctx.admin && ctx.admin.choice(turn, choice)) return;
      turn.say(t(l, "errors.stale_button"));
      return;
    case "reminder":
      return reminderChoice(ctx, turn, choice.action, choice.id);
    case "autopay_confirm":
      return confirmAutopay(ctx, turn);
    case "autopay_bill":
      return payAutopayBill(ctx, turn, choice.ref);
  }
}

function recoverStuckStep(ctx: ConversationContext, turn: Turn): void {
  const ref = turn.state.ref;
  const tx = ref === undefined ? undefined : ctx.repos.transactions.get(ref);
  if (turn.state.step === "inquiring" && tx?.status === "inquiring") ctx.payments.closeInterruptedInquiry(tx.ref);
  turn.state = { ...turn.state, step: "idle", ref: undefined };
  if (tx && tx.user_id === turn.user.id && ["paying", "pending", "needs_review"].includes(tx.status)) {
    turn.say(ctx.t(turn.locale, "stale.in_progress", { ref: tx.ref, line: txLine(ctx.t, turn.locale, tx) }));
  }
}

function saveNumber(ctx: ConversationContext, turn: Turn, text: string): void {
  const label = text.replace(/\s+/g, " ").trim();
  if (label.length === 0 || label.length > 32) {
    turn.say(ctx.t(turn.locale, "saved.bad_label"));
    return;
  }
  const { product, number } = turn.state;
  if (product === undefined || number === undefined) return showMainMenu(ctx, turn);
  ctx.repos.savedNumbers.save(turn.user.id, product, number, label, turn.now);
  turn.state = { ...turn.state, step: "idle", ref: undefined };
  // Reminders and auto-pay are offered in one tap (docs/reminders.md#conversation).
  const offer = reminderOffer(ctx, turn, product, number);
  const saved = ctx.t(turn.locale, "saved.saved", { label });
  turn.say(offer ? `${saved}\n${offer.text}` : saved, [...(offer?.choices ?? []), [menuChoice(ctx, turn)]]);
}
