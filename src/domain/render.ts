import type { TxRow } from "../db/transactions-repo.ts";
import type { Locale, Translate } from "../i18n.ts";
import { maskDigits, maskName } from "./mask.ts";
import { formatRupiah } from "./money.ts";
import { PRODUCTS, isProductId, type ProductId } from "./products.ts";
import { fitPlain } from "./fit-text.ts";
import { formatWib } from "./wib-time.ts";

/** Text shared by the flow, settlement notices and commands: one renderer per kind of message. */

export function productLabel(t: Translate, locale: Locale, product: ProductId): string {
  return t(locale, PRODUCTS[product].labelKey);
}

export function displayNumber(product: string, number: string): string {
  return isProductId(product) && PRODUCTS[product].maskNumber ? maskDigits(number) : number;
}

/** A provider's or a person's words are shown, not trusted: each field is cut to a readable size. */
const FIELD_MAX = 64;
const NOTE_MAX = 200;
const PROVIDER_WORDS_MAX = 120;

function line(t: Translate, locale: Locale, key: string, value: string | undefined | null, max = FIELD_MAX): string | null {
  return value === undefined || value === null || value === "" ? null : t(locale, key, { value: fitPlain(value, max) });
}

function lines(parts: (string | null)[]): string {
  return parts.filter((p): p is string => p !== null).join("\n");
}

function periodText(t: Translate, locale: Locale, tx: TxRow): string | null {
  if (tx.months !== null) return t(locale, "bill.months", { count: tx.months, period: fitPlain(tx.period ?? "", FIELD_MAX) });
  return tx.period;
}

export function billSummary(t: Translate, locale: Locale, tx: TxRow, balance: number): string {
  const total = tx.total ?? 0;
  return lines([
    t(locale, "bill.title", { product: productLabel(t, locale, tx.product) }),
    line(t, locale, "bill.number", displayNumber(tx.product, tx.customer_number)),
    line(t, locale, "bill.name", tx.name === null ? null : maskName(tx.name)),
    line(t, locale, "bill.period", periodText(t, locale, tx)),
    line(t, locale, "bill.branch", tx.branch),
    line(t, locale, "bill.participants", tx.participants),
    line(t, locale, "bill.amount", formatRupiah(tx.bill_amount ?? 0)),
    line(t, locale, "bill.admin_fee", formatRupiah(tx.admin_fee ?? 0)),
    line(t, locale, "bill.fee", formatRupiah(tx.fee)),
    line(t, locale, "bill.total", formatRupiah(total)),
    line(t, locale, "bill.balance_after", formatRupiah(balance - total)),
    tx.expires_at === null ? null : t(locale, "bill.valid_until", { time: formatWib(tx.expires_at) }),
  ]);
}

export function receiptText(t: Translate, locale: Locale, tx: TxRow): string {
  return lines([
    t(locale, "receipt.title"),
    line(t, locale, "receipt.ref", tx.ref),
    line(t, locale, "receipt.provider_ref", tx.provider_ref),
    line(t, locale, "receipt.time", tx.settled_at === null ? null : formatWib(tx.settled_at)),
    line(t, locale, "receipt.product", productLabel(t, locale, tx.product)),
    line(t, locale, "bill.number", displayNumber(tx.product, tx.customer_number)),
    line(t, locale, "bill.name", tx.name === null ? null : maskName(tx.name)),
    line(t, locale, "bill.period", periodText(t, locale, tx)),
    line(t, locale, "bill.amount", formatRupiah(tx.bill_amount ?? 0)),
    line(t, locale, "bill.admin_fee", formatRupiah(tx.admin_fee ?? 0)),
    line(t, locale, "bill.fee", formatRupiah(tx.fee)),
    line(t, locale, "receipt.total", formatRupiah(chargedTotal(tx))),
    tx.receipt_note === null ? null : t(locale, "receipt.note", { value: fitPlain(tx.receipt_note, NOTE_MAX) }),
  ]);
}

/**
 * What the payer paid for a settled payment: the confirmed total, less the difference given back
 * when the provider charged less (a higher price is never passed on; docs/money.md).
 */
export function chargedTotal(tx: Pick<TxRow, "total" | "price" | "paid_price">): number {
  const inquired = tx.price ?? 0;
  return (tx.total ?? 0) - Math.max(0, inquired - (tx.paid_price ?? inquired));
}

/** Plain words for why a provider refused or a payment failed. */
export function reasonText(t: Translate, locale: Locale, reason: string | null, providerMessage?: string | null): string {
  // "the biller says: …" needs the biller's words; the client drops words unfit for payers (provider-text.ts).
  const quotesNothing = reason === "provider_error" && (providerMessage ?? "").trim() === "";
  const key = `reasons.${quotesNothing ? "failed" : (reason ?? "failed")}`;
  const text = t(locale, key, { message: fitPlain(providerMessage ?? "", PROVIDER_WORDS_MAX) });
  return text === key ? t(locale, "reasons.failed") : text;
}

/** One line of history or status. */
export function txLine(t: Translate, locale: Locale, tx: TxRow): string {
  return t(locale, "history.line", {
    date: formatWib(tx.created_at),
    product: productLabel(t, locale, tx.product),
    number: displayNumber(tx.product, tx.customer_number),
    total: tx.total === null ? "-" : formatRupiah(tx.total),
    status: t(locale, `status.${tx.status}`),
    ref: tx.ref,
  });
}
