import { PRODUCT_IDS, type ProductId } from "../products.ts";
import { isLocale, type Locale } from "../../i18n.ts";
import { TOPUP_METHODS, type TopupMethod } from "../../gateway/port.ts";

/**
 * The one place choice ids are built (`choiceIds`) and read (`parseChoice`). They travel through the
 * payer's client (Telegram callback data is user-controlled), so they are parsed strictly here and
 * anything else is a forgery or a stale build: `null`. A new choice is added in both halves below.
 */
export type ParsedChoice =
  | { kind: "product"; product: ProductId }
  | { kind: "months"; months: number }
  | { kind: "saved"; id: number }
  | { kind: "pay"; ref: string }
  | { kind: "pay_again"; ref: string }
  | { kind: "cancel"; ref?: string }
  | { kind: "recheck"; ref: string }
  | { kind: "receipt"; ref: string }
  | { kind: "save"; ref: string }
  | { kind: "unsave"; id: number }
  | { kind: "saved_page"; page: number }
  | { kind: "menu" }
  | { kind: "language"; locale: Locale }
  | { kind: "command"; name: CommandChoice }
  | { kind: "erase_confirm" }
  | { kind: "admin_yes" }
  | { kind: "admin_no" }
  | { kind: "topup_decision"; id: number; approve: boolean }
  | { kind: "topup_start" }
  | { kind: "topup_via"; method: TopupMethod; amount: number }
  | { kind: "topup_check"; orderId: string }
  | { kind: "topup_bill"; ref: string }
  /** Reminders and auto-pay of one of the person's saved numbers (`page`: a page of the list). */
  | { kind: "reminder"; action: ReminderAction; id: number }
  | { kind: "autopay_confirm" }
  /** Pay the bill an auto-payment would not pay on its own (over the ceiling, arrears), said aside. */
  | { kind: "autopay_bill"; ref: string };

export type ReminderAction = "pay" | "on" | "off" | "manage" | "autopay" | "autopay_off" | "page";

export type CommandChoice = "balance" | "history" | "language" | "help" | "saved";

export const choiceIds = {
  product: (product: ProductId) => `product:${product}`,
  months: (months: number) => `months:${months}`,
  saved: (id: number) => `saved:${id}`,
  pay: (ref: string) => `pay:${ref}`,
  payAgain: (ref: string) => `payagain:${ref}`,
  cancel: (ref?: string) => (ref === undefined ? "cancel" : `cancel:${ref}`),
  recheck: (ref: string) => `recheck:${ref}`,
  receipt: (ref: string) => `receipt:${ref}`,
  save: (ref: string) => `save:${ref}`,
  unsave: (id: number) => `unsave:${id}`,
  savedPage: (page: number) => `savedpage:${page}`,
  menu: () => "menu",
  language: (locale: Locale) => `lang:${locale}`,
  command: (name: CommandChoice) => `cmd:${name}`,
  eraseConfirm: () => "erase:yes",
  adminYes: () => "admin:yes",
  adminNo: () => "admin:no",
  topupDecision: (id: number, approve: boolean) => `topup:${approve ? "approve" : "reject"}:${id}`,
  topupStart: () => "topupnew",
  topupVia: (method: TopupMethod, amount: number) => `topupvia:${method}:${amount}`,
  topupCheck: (orderId: string) => `topupcheck:${orderId}`,
  topupBill: (ref: string) => `topupbill:${ref}`,
  reminder: (action: ReminderAction, id: number) => `rem:${action}:${id}`,
  autopayConfirm: () => "rem:apyes",
  autopayBill: (ref: string) => `apbill:${ref}`,
} as const;

const REF = "(LK[0-9A-Z]{12})";
const ORDER = "(LT[0-9A-Z]{12})";
const ID = "([1-9][0-9]{0,11})";

const patterns: [RegExp, (m: RegExpExecArray) => ParsedChoice | null][] = [
  [/^product:([a-z-]+)$/, (m) => ((PRODUCT_IDS as readonly string[]).includes(m[1]!) ? { kind: "product", product: m[1] as ProductId } : null)],
  [/^months:([1-9]|1[0-2])$/, (m) => ({ kind: "months", months: Number(m[1]) })],
  [new RegExp(`^saved:${ID}$`), (m) => ({ kind: "saved", id: Number(m[1]) })],
  [new RegExp(`^pay:${REF}$`), (m) => ({ kind: "pay", ref: m[1]! })],
  [new RegExp(`^payagain:${REF}$`), (m) => ({ kind: "pay_again", ref: m[1]! })],
  [new RegExp(`^cancel(?::${REF})?$`), (m) => (m[1] === undefined ? { kind: "cancel" } : { kind: "cancel", ref: m[1] })],
  [new RegExp(`^recheck:${REF}$`), (m) => ({ kind: "recheck", ref: m[1]! })],
  [new RegExp(`^receipt:${REF}$`), (m) => ({ kind: "receipt", ref: m[1]! })],
  [new RegExp(`^save:${REF}$`), (m) => ({ kind: "save", ref: m[1]! })],
  [new RegExp(`^unsave:${ID}$`), (m) => ({ kind: "unsave", id: Number(m[1]) })],
  [/^savedpage:([1-9][0-9]{0,3})$/, (m) => ({ kind: "saved_page", page: Number(m[1]) })],
  [/^menu$/, () => ({ kind: "menu" })],
  [/^lang:(id|en)$/, (m) => (isLocale(m[1]!) ? { kind: "language", locale: m[1] } : null)],
  [/^cmd:(balance|history|language|help|saved)$/, (m) => ({ kind: "command", name: m[1] as CommandChoice })],
  [/^erase:yes$/, () => ({ kind: "erase_confirm" })],
  [/^admin:yes$/, () => ({ kind: "admin_yes" })],
  [/^admin:no$/, () => ({ kind: "admin_no" })],
  [new RegExp(`^topup:(approve|reject):${ID}$`), (m) => ({ kind: "topup_decision", id: Number(m[2]), approve: m[1] === "approve" })],
  [/^topupnew$/, () => ({ kind: "topup_start" })],
  [
    /^topupvia:([a-z_]{4,10}):([1-9][0-9]{0,9})$/,
    (m) => ((TOPUP_METHODS as readonly string[]).includes(m[1]!) ? { kind: "topup_via", method: m[1] as TopupMethod, amount: Number(m[2]) } : null),
  ],
  [new RegExp(`^topupcheck:${ORDER}$`), (m) => ({ kind: "topup_check", orderId: m[1]! })],
  [new RegExp(`^topupbill:${REF}$`), (m) => ({ kind: "topup_bill", ref: m[1]! })],
  [new RegExp(`^rem:(pay|on|off|manage|autopay|autopay_off|page):${ID}$`), (m) => ({ kind: "reminder", action: m[1] as ReminderAction, id: Number(m[2]) })],
  [/^rem:apyes$/, () => ({ kind: "autopay_confirm" })],
  [new RegExp(`^apbill:${REF}$`), (m) => ({ kind: "autopay_bill", ref: m[1]! })],
];

export function parseChoice(id: string): ParsedChoice | null {
  if (id.length > 64) return null;
  for (const [re, build] of patterns) {
    const m = re.exec(id);
    if (m) return build(m);
  }
  return null;
}

/** Choices that name their own subject (a ref, a request id) are checked against the database, not the menu. */
export function isSelfIdentifying(choice: ParsedChoice): boolean {
  return (
    [
      "pay",
      "pay_again",
      "cancel",
      "recheck",
      "receipt",
      "save",
      "topup_decision",
      "menu",
      "topup_start",
      "topup_check",
      "topup_bill",
      "reminder",
      "autopay_bill",
    ].includes(choice.kind) && !(choice.kind === "cancel" && choice.ref === undefined)
  );
}
