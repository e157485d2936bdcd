import type { ReminderSettingRow } from "../../db/reminder-settings-repo.ts";
import { choiceIds, type ReminderAction } from "../conversation/choice-ids.ts";
import type { ConversationContext } from "../conversation/context.ts";
import { numberChosen } from "../conversation/choose-bill.ts";
import { startInquiry } from "../conversation/inquiry-step.ts";
import { cancelChoice, menuChoice, showMainMenu } from "../conversation/menus.ts";
import type { Turn } from "../conversation/turn.ts";
import type { Choice } from "../messages.ts";
import { formatRupiah, readRupiah } from "../money.ts";
import { PRODUCTS, type ProductId } from "../products.ts";
import { displayNumber, productLabel } from "../render.ts";
import { firstAutopayFor, replan } from "./reminder-plan.ts";
import { wibDateText } from "./reminder-notices.ts";
import { DUE_DAY, hasDueDay } from "./schedule-time.ts";

/**
 * The payer's side of reminders and auto-pay (docs/reminders.md#conversation): the /pengingat list
 * and each number's screen, the one-tap offer when a number is saved, "Pay now" from a reminder,
 * and the auto-pay setup (day, ceiling, an explicit "turn on" — the standing confirmation).
 */

/** The smallest and largest ceiling a payer may set: a month of BPJS is tens of thousands of rupiah. */
export const AUTOPAY_CEILING_MIN = 10_000;
export const AUTOPAY_CEILING_MAX = 10_000_000;
const PAGE_SIZE = 8;

type Setting = ReminderSettingRow;

function planOptions(ctx: ConversationContext) {
  return { daysBefore: ctx.settings.reminders.daysBefore, hour: ctx.settings.reminders.hour };
}

const raw = { interpolation: { escapeValue: false } };

function autopayState(ctx: ConversationContext, turn: Turn, s: Setting): string {
  return s.autopay === 1
    ? ctx.t(turn.locale, "reminders.settings.autopay_on", { day: s.autopay_day, ceiling: formatRupiah(s.autopay_ceiling ?? 0) })
    : ctx.t(turn.locale, "reminders.settings.off");
}

function onOff(ctx: ConversationContext, turn: Turn, on: boolean): string {
  return ctx.t(turn.locale, on ? "reminders.settings.on" : "reminders.settings.off");
}

function manageButton(ctx: ConversationContext, turn: Turn, s: Pick<Setting, "saved_number_id" | "label">): Choice {
  return { id: choiceIds.reminder("manage", s.saved_number_id), label: ctx.t(turn.locale, "reminders.settings.manage_button", { label: s.label, ...raw }) };
}

/** For /simpan: the button to a number's reminder screen (none for BPJS Denda, none when reminders are off). */
export function savedNumberReminderChoice(ctx: ConversationContext, turn: Turn, saved: { id: number; label: string; product: ProductId }): Choice | null {
  return ctx.settings.reminders.enabled && hasDueDay(saved.product) ? manageButton(ctx, turn, { saved_number_id: saved.id, label: saved.label }) : null;
}

/** When a number is saved: reminders and auto-pay offered in one tap (none for BPJS Denda). */
export function reminderOffer(ctx: ConversationContext, turn: Turn, product: ProductId, number: string): { text: string; choices: Choice[][] } | null {
  const due = DUE_DAY[product];
  if (due === null || !ctx.settings.reminders.enabled) return null;
  const saved = ctx.repos.savedNumbers.list(turn.user.id).find((s) => s.product === product && s.number === number);
  if (!saved) return null;
  const l = turn.locale;
  return {
    text: ctx.t(l, "reminders.settings.offer", { due }),
    choices: [
      [{ id: choiceIds.reminder("on", saved.id), label: ctx.t(l, "reminders.settings.reminder_on_button") }],
      [{ id: choiceIds.reminder("autopay", saved.id), label: ctx.t(l, "reminders.settings.autopay_setup_button") }],
    ],
  };
}

/** `/pengingat`, `/pengingat on`, `/pengingat off`. */
export function reminderCommand(ctx: ConversationContext, turn: Turn, args: string[]): void {
  const word = args[0]?.toLowerCase();
  // The operator turned reminders off (REMINDERS=false): "off" still works, nothing new is offered.
  if (!ctx.settings.reminders.enabled && word !== "off") {
    turn.say(ctx.t(turn.locale, "reminders.settings.disabled"), [[menuChoice(ctx, turn)]]);
    return;
  }
  if (word === undefined) return showReminders(ctx, turn, 1);
  if (["off", "mati", "stop"].includes(word)) return allOff(ctx, turn);
  if (["on", "nyala", "hidup"].includes(word)) return allOn(ctx, turn);
  turn.say(ctx.t(turn.locale, "reminders.settings.usage"));
}

function allOff(ctx: ConversationContext, turn: Turn): void {
  const { repos } = ctx;
  const changed = repos.reminderSettings.disableAll(turn.user.id, turn.now);
  repos.reminderRuns.removePlannedOfUser(turn.user.id);
  repos.reminderRuns.stopWaitingOfUser(turn.user.id, "off", turn.now);
  if (changed > 0) repos.audit.record(turn.actor, "reminders_all_off", { user: turn.user.public_id }, turn.now);
  turn.say(ctx.t(turn.locale, changed > 0 ? "reminders.settings.all_off" : "reminders.settings.all_off_none", { count: changed }), [[menuChoice(ctx, turn)]]);
}

function allOn(ctx: ConversationContext, turn: Turn): void {
  const eligible = ctx.repos.reminderSettings.forUser(turn.user.id).filter((s) => hasDueDay(s.product) && s.reminder !== 1);
  for (const s of eligible) setReminder(ctx, turn, s, true);
  turn.say(ctx.t(turn.locale, "reminders.settings.all_on", { count: eligible.length }), [[menuChoice(ctx, turn)]]);
}

export function showReminders(ctx: ConversationContext, turn: Turn, page: number): void {
  const { t } = ctx;
  const l = turn.locale;
  const all = ctx.repos.reminderSettings.forUser(turn.user.id);
  const eligible = all.filter((s) => hasDueDay(s.product));
  const dendaNote = all.some((s) => !hasDueDay(s.product)) ? `\n${t(l, "reminders.settings.denda_note")}` : "";
  if (eligible.length === 0) {
    turn.say(`${t(l, "reminders.settings.empty")}${dendaNote}`, [[menuChoice(ctx, turn)]]);
    return;
  }
  const pages = Math.ceil(eligible.length / PAGE_SIZE);
  const current = Math.min(Math.max(1, page), pages);
  const shown = eligible.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  const lines = shown.map((s) =>
    t(l, "reminders.settings.line", {
      label: s.label,
      product: productLabel(t, l, s.product),
      number: displayNumber(s.product, s.number),
      reminder: onOff(ctx, turn, s.reminder === 1),
      autopay: autopayState(ctx, turn, s),
    }),
  );
  const title = pages > 1 ? t(l, "reminders.settings.title_paged", { page: current, pages }) : t(l, "reminders.settings.title");
  const paging = [
    ...(current > 1 ? [{ id: choiceIds.reminder("page", current - 1), label: t(l, "saved.previous_page") }] : []),
    ...(current < pages ? [{ id: choiceIds.reminder("page", current + 1), label: t(l, "saved.next_page") }] : []),
  ];
  const opted = turn.user.platform === "whatsapp" && turn.user.broadcast_opt_out === 1 ? `\n${t(l, "reminders.settings.whatsapp_opted_out")}` : "";
  turn.say([title, ...lines, "", t(l, "reminders.settings.hint") + dendaNote + opted].join("\n"), [
    ...shown.map((s) => [manageButton(ctx, turn, s)]),
    ...(paging.length > 0 ? [paging] : []),
    [menuChoice(ctx, turn)],
  ]);
}

function showNumber(ctx: ConversationContext, turn: Turn, s: Setting, lead?: string): void {
  const { t } = ctx;
  const l = turn.locale;
  const text = t(l, "reminders.settings.manage", {
    label: s.label,
    product: productLabel(t, l, s.product),
    number: displayNumber(s.product, s.number),
    reminder: onOff(ctx, turn, s.reminder === 1),
    days: ctx.settings.reminders.daysBefore,
    due: DUE_DAY[s.product] ?? "-",
    hour: String(ctx.settings.reminders.hour).padStart(2, "0") + ":00",
    autopay: autopayState(ctx, turn, s),
  });
  const id = s.saved_number_id;
  turn.say(lead === undefined ? text : `${lead}\n\n${text}`, [
    [
      s.reminder === 1
        ? { id: choiceIds.reminder("off", id), label: t(l, "reminders.settings.reminder_off_button") }
        : { id: choiceIds.reminder("on", id), label: t(l, "reminders.settings.reminder_on_button") },
    ],
    [
      {
        id: choiceIds.reminder("autopay", id),
        label: t(l, s.autopay === 1 ? "reminders.settings.autopay_change_button" : "reminders.settings.autopay_setup_button"),
      },
    ],
    ...(s.autopay === 1 ? [[{ id: choiceIds.reminder("autopay_off", id), label: t(l, "reminders.settings.autopay_off_button") }]] : []),
    [{ id: choiceIds.reminder("page", 1), label: t(l, "reminders.settings.back_button") }],
  ]);
}

function setReminder(ctx: ConversationContext, turn: Turn, s: Setting, on: boolean): void {
  ctx.repos.reminderSettings.setReminder(turn.user.id, s.saved_number_id, on, turn.now);
  replan(ctx.repos, turn.user.id, s.saved_number_id, turn.now, planOptions(ctx));
}

/** A tapped reminder button. Each names its own saved number and is checked against the database. */
export function reminderChoice(ctx: ConversationContext, turn: Turn, action: ReminderAction, id: number): void {
  const { t, repos } = ctx;
  const l = turn.locale;
  if (!ctx.settings.reminders.enabled && action !== "pay" && action !== "off" && action !== "autopay_off") {
    turn.say(t(l, "reminders.settings.disabled"), [[menuChoice(ctx, turn)]]);
    return;
  }
  if (action === "page") return showReminders(ctx, turn, id);
  const s = repos.reminderSettings.get(turn.user.id, id);
  if (!s) {
    turn.say(t(l, "reminders.settings.number_gone"), [[menuChoice(ctx, turn)]]);
    return;
  }
  if (action === "pay") return payNow(ctx, turn, s);
  if (!hasDueDay(s.product)) {
    turn.say(t(l, "reminders.settings.not_eligible"), [[menuChoice(ctx, turn)]]);
    return;
  }
  switch (action) {
    case "manage":
      return showNumber(ctx, turn, s);
    case "on":
    case "off": {
      setReminder(ctx, turn, s, action === "on");
      const key = action === "on" ? "reminders.settings.reminder_on" : "reminders.settings.reminder_off";
      const opted = action === "on" && turn.user.platform === "whatsapp" && turn.user.broadcast_opt_out === 1;
      const lead = t(l, key, {
        label: s.label,
        days: ctx.settings.reminders.daysBefore,
        due: DUE_DAY[s.product],
        hour: `${String(ctx.settings.reminders.hour).padStart(2, "0")}:00`,
      });
      turn.say(opted ? `${lead}\n${t(l, "reminders.settings.whatsapp_opted_out")}` : lead, [
        [{ id: choiceIds.reminder("page", 1), label: t(l, "reminders.settings.back_button") }],
        [menuChoice(ctx, turn)],
      ]);
      return;
    }
    case "autopay_off": {
      if (repos.reminderSettings.disableAutopay(s.saved_number_id, turn.now)) {
        repos.audit.record(turn.actor, "autopay_off", { user: turn.user.public_id, saved: s.saved_number_id }, turn.now);
      }
      repos.reminderRuns.stopWaiting(s.saved_number_id, "off", turn.now);
      replan(repos, turn.user.id, s.saved_number_id, turn.now, planOptions(ctx));
      turn.say(t(l, "reminders.settings.autopay_off", { label: s.label }), [[menuChoice(ctx, turn)]]);
      return;
    }
    case "autopay":
      return askDay(ctx, turn, s);
  }
}

/** "Pay now" from a reminder: the ordinary inquiry of that number, for one month where months are chosen. */
function payNow(ctx: ConversationContext, turn: Turn, s: Setting): void {
  turn.state = { ...turn.state, step: "entering_number", product: s.product, number: undefined, months: undefined, ref: undefined, autopay: undefined };
  if (PRODUCTS[s.product].monthChoices !== null && ctx.router.monthsOffered(s.product).includes(1)) {
    turn.state = { ...turn.state, number: s.number, months: 1 };
    startInquiry(ctx, turn);
    return;
  }
  numberChosen(ctx, turn, s.number);
}

/**
 * The setup asks for typed numbers, so no menu may be on screen meanwhile: a typed "5" would pick
 * the fifth choice of the last menu instead of being the 5th of the month.
 */
function askWithoutMenu(turn: Turn, text: string): void {
  turn.state = { ...turn.state, menu: [], nonce: turn.state.nonce + 1 };
  turn.say(text);
}

function askDay(ctx: ConversationContext, turn: Turn, s: Setting): void {
  turn.state = { ...turn.state, step: "autopay_day", ref: undefined, autopay: { savedId: s.saved_number_id } };
  askWithoutMenu(turn, ctx.t(turn.locale, "reminders.setup.ask_day", { label: s.label, due: DUE_DAY[s.product] }));
}

/** A typed answer while auto-pay is being set up: the day, then the ceiling. Junk changes nothing. */
export function autopaySetupText(ctx: ConversationContext, turn: Turn, text: string): void {
  const { t } = ctx;
  const l = turn.locale;
  const pending = turn.state.autopay;
  const s = pending === undefined ? undefined : ctx.repos.reminderSettings.get(turn.user.id, pending.savedId);
  if (!pending || !s) {
    turn.state = { ...turn.state, step: "idle", autopay: undefined };
    turn.say(t(l, pending ? "reminders.settings.number_gone" : "reminders.setup.stale"));
    showMainMenu(ctx, turn);
    return;
  }
  const typed = text.trim();
  if (turn.state.step === "autopay_day") {
    const day = /^\d{1,2}$/.test(typed) ? Number(typed) : NaN;
    if (!(day >= 1 && day <= 28)) {
      askWithoutMenu(turn, t(l, "reminders.setup.bad_day"));
      return;
    }
    turn.state = { ...turn.state, step: "autopay_ceiling", autopay: { savedId: s.saved_number_id, day } };
    askWithoutMenu(turn, t(l, "reminders.setup.ask_ceiling", { label: s.label }));
    return;
  }
  if (turn.state.step === "autopay_ceiling" && pending.day !== undefined) {
    const reading = typed.length <= 40 ? readRupiah(typed) : null;
    const ceiling = reading?.ok === true ? reading.amount : null;
    if (ceiling === null || ceiling < AUTOPAY_CEILING_MIN || ceiling > AUTOPAY_CEILING_MAX) {
      askWithoutMenu(turn, t(l, "reminders.setup.bad_ceiling", { min: formatRupiah(AUTOPAY_CEILING_MIN), max: formatRupiah(AUTOPAY_CEILING_MAX) }));
      return;
    }
    turn.state = { ...turn.state, step: "autopay_confirm", autopay: { savedId: s.saved_number_id, day: pending.day, ceiling } };
    turn.say(
      t(l, "reminders.setup.confirm", {
        label: s.label,
        product: productLabel(t, l, s.product),
        number: displayNumber(s.product, s.number),
        day: pending.day,
        hour: `${String(ctx.settings.reminders.hour).padStart(2, "0")}:00`,
        first: wibDateText(t, l, firstAutopayFor(ctx.repos, s, pending.day, turn.now, planOptions(ctx))),
        ceiling: formatRupiah(ceiling),
      }),
      [[{ id: choiceIds.autopayConfirm(), label: t(l, "reminders.setup.confirm_button") }], [cancelChoice(ctx, turn)]],
    );
    return;
  }
  // autopay_confirm: the answer is the button (or its number), not text.
  turn.say(t(l, "flow.not_understood"));
}

/** "Turn auto-pay on": the standing confirmation — day, ceiling, who and when — recorded and audited. */
export function confirmAutopay(ctx: ConversationContext, turn: Turn): void {
  const { t, repos } = ctx;
  const l = turn.locale;
  const pending = turn.state.autopay;
  const s = pending === undefined ? undefined : repos.reminderSettings.get(turn.user.id, pending.savedId);
  const confirming = turn.state.step === "autopay_confirm";
  turn.state = { ...turn.state, step: "idle", autopay: undefined };
  if (!confirming || !pending || pending.day === undefined || pending.ceiling === undefined || !s || !hasDueDay(s.product)) {
    turn.say(t(l, "reminders.setup.stale"), [[menuChoice(ctx, turn)]]);
    return;
  }
  repos.reminderSettings.enableAutopay({
    userId: turn.user.id,
    savedNumberId: s.saved_number_id,
    day: pending.day,
    ceiling: pending.ceiling,
    by: turn.actor,
    now: turn.now,
  });
  repos.reminderRuns.stopWaiting(s.saved_number_id, "changed", turn.now);
  replan(repos, turn.user.id, s.saved_number_id, turn.now, planOptions(ctx));
  repos.audit.record(turn.actor, "autopay_on", { user: turn.user.public_id, saved: s.saved_number_id, day: pending.day, ceiling: pending.ceiling }, turn.now);
  turn.say(
    t(l, "reminders.setup.on", {
      label: s.label,
      day: pending.day,
      ceiling: formatRupiah(pending.ceiling),
      // From the rows just written: this month's run planned (or planned again), or next month's.
      first: wibDateText(t, l, firstAutopayFor(repos, s, pending.day, turn.now, planOptions(ctx))),
    }),
    [[menuChoice(ctx, turn)]],
  );
}
