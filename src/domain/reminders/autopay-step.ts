import type { ReminderSettingRow } from "../../db/reminder-settings-repo.ts";
import type { RunRow } from "../../db/reminder-runs-repo.ts";
import type { TxRow } from "../../db/transactions-repo.ts";
import type { ConversationContext } from "../conversation/context.ts";
import type { Effect, EffectHandler } from "../conversation/effects.ts";
import { choiceIds } from "../conversation/choice-ids.ts";
import { afterInquiry, inquiryEffect } from "../conversation/inquiry-step.ts";
import { menuChoice } from "../conversation/menus.ts";
import { explainStaleRef, payEffect } from "../conversation/pay-step.ts";
import type { Turn } from "../conversation/turn.ts";
import type { PayResult } from "../payments/payment-service.ts";
import { PRODUCTS } from "../products.ts";
import { formatRupiah } from "../money.ts";
import { billSummary, reasonText } from "../render.ts";
import { billPaidFor } from "./reminder-plan.ts";
import { autopayMessage, type AutopayNote } from "./reminder-notices.ts";
import { inTheMiddleOfSomething } from "./reminder-step.ts";
import { afterQuietHours } from "./schedule-time.ts";

/**
 * Auto-payment (docs/reminders.md#auto-pay): on its day, a step in the person's queue claims the
 * run, begins an ordinary inquiry and asks for `autopay_inquire`; its answer decides — already
 * paid, above the ceiling or in arrears (the ordinary confirm screen), balance short (wait for a
 * top-up), or `autopay_pay`, which is `payments.pay`, the one exactly-once sequence. The opt-in
 * with its ceiling is the standing confirmation; the ledger's hold names the run that used it.
 */

/** How many times a run whose inquiry a crash cut off is tried again before it ends failed. */
export const MAX_ATTEMPTS = 5;

type AutopayInquire = Extract<Effect, { kind: "autopay_inquire" }>;
type AutopayPay = Extract<Effect, { kind: "autopay_pay" }>;
/** A pay effect whose process died before the confirm: nothing was held or sent. */
export type AutopayPayResult = PayResult | { kind: "interrupted" };

type Setting = ReminderSettingRow;
/** What a message needs to name the number (a deleted number's run still says which bill). */
type Subject = Pick<ReminderSettingRow, "saved_number_id" | "product" | "number" | "label">;

function say(ctx: ConversationContext, turn: Turn, s: Subject, note: AutopayNote, tag?: string): void {
  const m = autopayMessage(ctx.t, turn.locale, s, note);
  turn.say(m.text, m.choices, tag);
}

/**
 * The run's step on its day (claimed from `planned`) or once money came in (from `waiting_funds`),
 * for the claim `attempt` the scheduler took. Every check that can end it runs in this step's commit.
 */
export function startAutopay(ctx: ConversationContext, turn: Turn, runId: number, attempt: number, from: "planned" | "waiting_funds"): void {
  const { repos } = ctx;
  const now = turn.now;
  const run = repos.reminderRuns.get(runId);
  if (!run || run.kind !== "autopay" || run.user_id !== turn.user.id || run.status !== "claimed" || run.attempts !== attempt || run.tx_ref !== null) return;
  const end = (status: "skipped" | "failed", reason: string) => void repos.reminderRuns.finish(run.id, status, reason, now);
  // Its day is over: nothing is paid, and the payer is told so (once, after quiet hours).
  if (now >= run.deadline_at) return void repos.reminderRuns.finishUntold(run.id, "skipped", from === "waiting_funds" ? "no_funds" : "late", now, tellAt(now));
  const s = run.saved_number_id === null ? undefined : repos.reminderSettings.get(turn.user.id, run.saved_number_id);
  if (!s) return end("skipped", "number_removed");
  if (s.autopay !== 1 || s.autopay_ceiling === null) return end("skipped", "off");
  if (billPaidFor(repos, s.product, s.number, run.period)) {
    say(ctx, turn, s, { kind: "already_paid" });
    return end("skipped", "already_paid");
  }
  if (repos.transactions.openForBill(s.product, s.number)) {
    say(ctx, turn, s, { kind: "open_payment" });
    return end("skipped", "open_payment");
  }
  const months = PRODUCTS[s.product].monthChoices === null ? null : 1;
  if (!ctx.router.isOffered(s.product) || (months !== null && !ctx.router.monthsOffered(s.product).includes(months))) {
    say(ctx, turn, s, { kind: "unavailable" });
    return end("skipped", "product_unavailable");
  }
  // The bot's own inquiry on the payer's own saved number, once a period: not counted against the
  // per-hour inquiry limit, which guards against looking up strangers.
  const ref = ctx.payments.beginInquiry({ userId: turn.user.id, product: s.product, number: s.number, months });
  repos.reminderRuns.setTx(run.id, ref, now);
  // Nothing is said yet: the answer (paid, or what stopped it) is the first message, so WhatsApp
  // payers are not sent one more line than they need.
  turn.request({ kind: "autopay_inquire", ref, run: run.id });
}

/** The run an effect belongs to, while it is still this effect's to finish. */
function currentRun(ctx: ConversationContext, turn: Turn, effect: { run: number; ref: string }): RunRow | undefined {
  const run = ctx.repos.reminderRuns.get(effect.run);
  return run && run.status === "claimed" && run.tx_ref === effect.ref && run.user_id === turn.user.id ? run : undefined;
}

/** The setting still asks for this payment; otherwise the run ends and the bill on hold is let go. */
function stillWanted(ctx: ConversationContext, turn: Turn, run: RunRow, ref: string): Setting | undefined {
  const s = run.saved_number_id === null ? undefined : ctx.repos.reminderSettings.get(turn.user.id, run.saved_number_id);
  if (s && s.autopay === 1 && s.autopay_ceiling !== null) return s;
  ctx.repos.transactions.setStatusFrom(ref, "inquired", "cancelled", turn.now);
  ctx.repos.reminderRuns.finish(run.id, "skipped", s ? "off" : "number_removed", turn.now);
  return undefined;
}

/** A run a crash cut off before any money moved: tried again by a later tick, a few times; then the payer is told. */
function retryOrFail(ctx: ConversationContext, run: RunRow, now: number, reason: string): void {
  if (run.attempts < MAX_ATTEMPTS) ctx.repos.reminderRuns.release(run.id, now);
  else ctx.repos.reminderRuns.finishUntold(run.id, "failed", reason, now, tellAt(now));
}

/**
 * When a payer whose auto-payment ended unpaid unannounced (its day passed, a crash) is told: now,
 * or at 07:00 WIB when it is quiet hours — the run row carries it (docs/reminders.md#an-auto-payment-that-did-not-happen).
 */
export function tellAt(now: number): number {
  return afterQuietHours(now);
}

/**
 * The owed "not paid automatically this month, pay it yourself", with Pay now for that number:
 * written in the commit that clears the row's `tell_at` (a compare-and-set), so once. Said aside (the
 * notifier, no menu), so it never takes over what the payer is doing. Not said when the number was
 * deleted or the period got paid meanwhile.
 */
export function tellUnpaid(ctx: ConversationContext, run: RunRow): void {
  const { repos } = ctx;
  if (!repos.reminderRuns.told(run.id)) return;
  const s = run.saved_number_id === null ? undefined : repos.reminderSettings.get(run.user_id, run.saved_number_id);
  if (!s || billPaidFor(repos, s.product, s.number, run.period) || repos.transactions.openForBill(s.product, s.number)) return;
  ctx.notifier.toUser(run.user_id, (locale) => {
    const m = autopayMessage(ctx.t, locale, s, { kind: "missed", period: run.period });
    return m.choices === undefined ? { text: m.text } : { text: m.text, choices: m.choices };
  });
}

/**
 * Arrears: we asked for one month; a provider whose period is a month count (IAK's BPJS, "02")
 * answering more than one means unpaid months are included (docs/reminders.md#auto-pay).
 */
export function showsArrears(tx: Pick<TxRow, "months" | "period">): boolean {
  if (tx.months === null || tx.period === null || !/^\d{1,3}$/.test(tx.period.trim())) return false;
  return Number(tx.period.trim()) > tx.months;
}

function decideOnBill(ctx: ConversationContext, turn: Turn, run: RunRow, s: Setting, tx: TxRow, effect: AutopayInquire): void {
  const { repos } = ctx;
  const now = turn.now;
  const total = tx.total ?? 0;
  const ceiling = s.autopay_ceiling ?? 0;
  const arrears = showsArrears(tx);
  if (arrears || total > ceiling) {
    const note: AutopayNote = arrears ? { kind: "arrears", period: tx.period ?? "-" } : { kind: "over_ceiling", total, ceiling };
    if (inTheMiddleOfSomething(ctx, turn)) {
      // The payer is in a flow of their own (setting up a day, on another bill): said aside, with
      // only this bill's own Pay button; their step and menu stay theirs, so a typed "1" or "ya"
      // still answers what they were doing (docs/reminders.md#auto-pay).
      const l = turn.locale;
      const m = autopayMessage(ctx.t, l, s, note);
      turn.replies.push({
        text: `${m.text}\n\n${billSummary(ctx.t, l, tx, repos.ledger.balance(turn.user.id))}`,
        choices: [[{ id: choiceIds.autopayBill(tx.ref), label: ctx.t(l, "flow.pay_button", { total: formatRupiah(total) }) }]],
        tag: `bill:${tx.ref}`,
      });
    } else {
      // The ordinary confirm screen: the payer decides, with the ordinary Pay button.
      say(ctx, turn, s, note);
      turn.state = { ...turn.state, product: tx.product, number: tx.customer_number, months: tx.months ?? undefined, ref: tx.ref, autopay: undefined };
      afterInquiry(ctx, turn, tx);
    }
    repos.reminderRuns.finish(run.id, "skipped", arrears ? "arrears" : "over_ceiling", now);
    return;
  }
  const balance = repos.ledger.balance(turn.user.id);
  if (balance < total) {
    repos.transactions.setStatusFrom(tx.ref, "inquired", "cancelled", now);
    repos.reminderRuns.waitForFunds(run.id, total, now);
    say(ctx, turn, s, { kind: "short", balance, total });
    return;
  }
  // Tagged like a bill: "processing…" and then the receipt replace it where the platform can edit.
  say(ctx, turn, s, { kind: "paying", total, ceiling }, `bill:${tx.ref}`);
  turn.request({ kind: "autopay_pay", ref: effect.ref, run: run.id });
}

/**
 * The Pay button of a bill an auto-payment said aside: the payer's own tap on that bill at that
 * total is their confirmation, from whatever screen they are on. It pays through the ordinary pay
 * effect (payments.pay, exactly once) while the inquiry is valid; the bill becomes their screen.
 */
export function payAutopayBill(ctx: ConversationContext, turn: Turn, ref: string): void {
  const { repos, t } = ctx;
  const tx = repos.transactions.get(ref);
  if (!tx || tx.user_id !== turn.user.id || tx.status !== "inquired") return explainStaleRef(ctx, turn, ref);
  if (tx.expires_at === null || tx.expires_at <= turn.now) {
    repos.transactions.setStatusFrom(ref, "inquired", "expired", turn.now);
    turn.state = { ...turn.state, step: "idle", ref: undefined, autopay: undefined };
    turn.say(t(turn.locale, "flow.expired"), [[{ id: choiceIds.recheck(ref), label: t(turn.locale, "flow.retry_button") }], [menuChoice(ctx, turn)]]);
    return;
  }
  turn.state = { ...turn.state, step: "paying", ref, product: tx.product, number: tx.customer_number, months: tx.months ?? undefined, autopay: undefined };
  turn.request({ kind: "pay", ref, again: false, actor: turn.actor });
}

/** The auto-payment's inquiry: the ordinary call and crash answer, its own decision afterwards. */
export function autopayInquiryEffect(ctx: ConversationContext): EffectHandler<AutopayInquire, TxRow | undefined> {
  const ordinary = inquiryEffect(ctx);
  return {
    run: (effect, userId) => ordinary.run({ kind: "inquire", ref: effect.ref }, userId),
    resume: (effect) => ordinary.resume({ kind: "inquire", ref: effect.ref }),
    after(turn, tx, effect) {
      const { repos, t } = ctx;
      const now = turn.now;
      const run = currentRun(ctx, turn, effect);
      if (!run) return;
      const s = stillWanted(ctx, turn, run, effect.ref);
      if (!s) return;
      if (tx === undefined) return retryOrFail(ctx, run, now, "inquiry_lost");
      if (tx.status === "inquired") return decideOnBill(ctx, turn, run, s, tx, effect);
      const reason = tx.failure_reason ?? tx.status;
      if (reason === "unavailable_interrupted") return retryOrFail(ctx, run, now, "inquiry_interrupted");
      if (reason === "already_paid") {
        say(ctx, turn, s, { kind: "already_paid" });
        repos.reminderRuns.finish(run.id, "skipped", "already_paid", now);
        return;
      }
      // The provider's failure, the ordinary words for it, and a way to pay by hand.
      say(ctx, turn, s, {
        kind: "failed_check",
        reason: reasonText(t, turn.locale, reason.startsWith("unavailable_") ? "unavailable" : reason, tx.failure_message),
      });
      repos.reminderRuns.finish(run.id, "failed", `inquiry_${reason}`.slice(0, 64), now);
    },
    apologyKey: "errors.internal",
  };
}

/** The auto-payment itself: payments.pay through the ordinary pay effect's call and crash answer. */
export function autopayPayEffect(ctx: ConversationContext): EffectHandler<AutopayPay, AutopayPayResult> {
  const ordinary = payEffect(ctx);
  const asPay = (effect: AutopayPay) => ({ kind: "pay" as const, ref: effect.ref, again: false, actor: `autopay:run:${effect.run}` });
  return {
    run: (effect, userId) => ordinary.run(asPay(effect), userId),
    resume(effect) {
      // Cut off before the confirm committed: nothing held, nothing sent; the run is tried again.
      const tx = ctx.repos.transactions.get(effect.ref);
      if (tx?.status === "inquired") {
        ctx.repos.transactions.setStatusFrom(tx.ref, "inquired", "expired", ctx.now());
        return { kind: "interrupted" };
      }
      return ordinary.resume(asPay(effect));
    },
    after(turn, result, effect) {
      const { repos, t } = ctx;
      const now = turn.now;
      const run = currentRun(ctx, turn, effect);
      if (!run) return;
      if (result.kind === "interrupted") return retryOrFail(ctx, run, now, "interrupted");
      if (result.kind === "sent") {
        // The receipt, the refund or "still pending" was written by the settlement notices.
        finishFromTx(ctx, run, result.tx, now);
        return;
      }
      const s = run.saved_number_id === null ? undefined : repos.reminderSettings.get(turn.user.id, run.saved_number_id);
      const subject: Subject = s ?? { saved_number_id: run.saved_number_id ?? 0, product: run.product, number: "-", label: "-" };
      switch (result.why) {
        case "paid_today":
        case "already_paid":
          say(ctx, turn, subject, { kind: "already_paid" });
          repos.reminderRuns.finish(run.id, "skipped", "already_paid", now);
          return;
        case "open_payment":
          say(ctx, turn, subject, { kind: "open_payment" });
          repos.reminderRuns.finish(run.id, "skipped", "open_payment", now);
          return;
        case "insufficient": {
          const total = result.tx?.total ?? repos.transactions.get(effect.ref)?.total ?? 0;
          repos.transactions.setStatusFrom(effect.ref, "inquired", "cancelled", now);
          repos.reminderRuns.waitForFunds(run.id, total, now);
          say(ctx, turn, subject, { kind: "short", balance: result.balance ?? repos.ledger.balance(turn.user.id), total });
          return;
        }
        default: {
          const why = t(turn.locale, result.why === "expired" ? "reminders.why.expired" : "reminders.why.other");
          say(ctx, turn, subject, { kind: "not_started", reason: why });
          repos.reminderRuns.finish(run.id, "failed", `pay_refused_${result.why}`, now);
        }
      }
    },
    apologyKey: "errors.internal_pay",
  };
}

/**
 * A run whose payment went out ends with its payment: done when paid, failed when failed; while
 * the provider has not said (pending, in review) it stays claimed and the scheduler's sweep ends it.
 */
export function finishFromTx(ctx: ConversationContext, run: RunRow, tx: TxRow, now: number): boolean {
  if (tx.status === "paid") return ctx.repos.reminderRuns.finish(run.id, "done", "paid", now);
  if (tx.status === "failed") return ctx.repos.reminderRuns.finish(run.id, "failed", `pay_${tx.failure_reason ?? "failed"}`.slice(0, 64), now);
  return false;
}
