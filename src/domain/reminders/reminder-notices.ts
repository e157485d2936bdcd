import type { ReminderSettingRow } from "../../db/reminder-settings-repo.ts";
import type { Locale, Translate } from "../../i18n.ts";
import { choiceIds } from "../conversation/choice-ids.ts";
import type { Choice } from "../messages.ts";
import { formatRupiah } from "../money.ts";
import { displayNumber, productLabel } from "../render.ts";

/**
 * Every word the bot says about reminders and auto-pay on its own initiative (docs/reminders.md):
 * the reminder, the notice the day before, and what became of an auto-payment. The steps decide;
 * this writes. Labels are the payer's own text: escaped in messages, verbatim on buttons.
 */

const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;

/** "10 Desember 2026" / "10 December 2026", WIB. */
export function wibDateText(t: Translate, locale: Locale, epochMs: number): string {
  const d = new Date(epochMs + WIB_OFFSET_MS);
  return t(locale, "reminders.date", { day: d.getUTCDate(), month: t(locale, `reminders.month.${d.getUTCMonth() + 1}`), year: d.getUTCFullYear() });
}

type Subject = Pick<ReminderSettingRow, "saved_number_id" | "product" | "number" | "label">;

function about(t: Translate, locale: Locale, s: Subject) {
  return { label: s.label, product: productLabel(t, locale, s.product), number: displayNumber(s.product, s.number) };
}

/** The smallest sensible top-up covering `shortfall`: whole thousands, at least the /isi minimum. */
export function topupSuggestion(shortfall: number): number {
  return Math.max(10_000, Math.ceil(shortfall / 1_000) * 1_000);
}

export function payNowChoice(t: Translate, locale: Locale, savedNumberId: number): Choice {
  return { id: choiceIds.reminder("pay", savedNumberId), label: t(locale, "reminders.pay_now_button") };
}

export function reminderMessage(t: Translate, locale: Locale, s: Subject, dueAt: number): { text: string; choices: Choice[][] } {
  return {
    text: t(locale, "reminders.reminder", { ...about(t, locale, s), due: wibDateText(t, locale, dueAt) }),
    choices: [
      [payNowChoice(t, locale, s.saved_number_id)],
      [{ id: choiceIds.reminder("off", s.saved_number_id), label: t(locale, "reminders.reminder_off_button") }],
    ],
  };
}

export function noticeMessage(
  t: Translate,
  locale: Locale,
  s: Subject & { autopay_ceiling: number | null },
  p: { payAt: number; balance: number; estimate: number },
): { text: string; choices: Choice[][] } {
  const lead = t(locale, "reminders.notice", { ...about(t, locale, s), date: wibDateText(t, locale, p.payAt), ceiling: formatRupiah(s.autopay_ceiling ?? 0) });
  const money =
    p.balance >= p.estimate
      ? t(locale, "reminders.notice_enough", { balance: formatRupiah(p.balance) })
      : t(locale, "reminders.notice_short", {
          balance: formatRupiah(p.balance),
          estimate: formatRupiah(p.estimate),
          amount: topupSuggestion(p.estimate - p.balance),
        });
  return {
    text: `${lead}\n${money}`,
    choices: [[{ id: choiceIds.reminder("autopay_off", s.saved_number_id), label: t(locale, "reminders.autopay_off_button") }]],
  };
}

export type AutopayNote =
  | { kind: "paying"; total: number; ceiling: number }
  | { kind: "already_paid" }
  | { kind: "over_ceiling"; total: number; ceiling: number }
  | { kind: "arrears"; period: string }
  | { kind: "short"; balance: number; total: number }
  | { kind: "failed_check"; reason: string }
  | { kind: "not_started"; reason: string }
  | { kind: "open_payment" }
  | { kind: "unavailable" }
  /** Its day passed, or a crash cut it off, and nothing was paid: pay it yourself. */
  | { kind: "missed"; period: string };

/** What an auto-payment says at each turn; a way out ("pay it yourself") where nothing was paid. */
export function autopayMessage(t: Translate, locale: Locale, s: Subject, note: AutopayNote): { text: string; choices?: Choice[][] } {
  const base = about(t, locale, s);
  switch (note.kind) {
    case "paying":
    case "over_ceiling":
      return { text: t(locale, `reminders.autopay.${note.kind}`, { ...base, total: formatRupiah(note.total), ceiling: formatRupiah(note.ceiling) }) };
    case "arrears":
      return { text: t(locale, "reminders.autopay.arrears", { ...base, period: note.period }) };
    case "short":
      return {
        text: t(locale, "reminders.autopay.short", {
          ...base,
          balance: formatRupiah(note.balance),
          total: formatRupiah(note.total),
          shortfall: formatRupiah(note.total - note.balance),
          amount: topupSuggestion(note.total - note.balance),
        }),
        choices: [[{ id: choiceIds.command("balance"), label: t(locale, "menu.balance") }]],
      };
    case "missed": {
      const [year, month] = note.period.split("-").map(Number);
      const when = t(locale, "reminders.autopay.month", { month: t(locale, `reminders.month.${month}`), year });
      return { text: t(locale, "reminders.autopay.missed", { ...base, month: when }), choices: [[payNowChoice(t, locale, s.saved_number_id)]] };
    }
    case "failed_check":
    case "not_started":
      return { text: t(locale, `reminders.autopay.${note.kind}`, { ...base, reason: note.reason }), choices: [[payNowChoice(t, locale, s.saved_number_id)]] };
    default:
      return { text: t(locale, `reminders.autopay.${note.kind}`, base) };
  }
}
