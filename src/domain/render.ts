import type { TxRow } from "../db/transactions-repo.ts";
import type { Locale, Translate } from "../i18n.ts";
import { maskDigits, maskName } from "./mask.ts";
import { formatRupiah } from "./money.ts";
import { PRODUCTS, isProductId, type ProductId } from "./products.ts";
import { formatWib } from "./wib-time.ts";

/** Text shared by the flow, settlement notices and commands: one renderer per kind of message. */

export function productLabel(t: Translate, locale: Locale, product: ProductId): string {
  return t(locale, PRODUCTS[product].labelKey);
}

export function displayNumber(product: string, number: string): string {
  return isProductId(product) && PRODUCTS[product].maskNumber ? maskDigits(number) : number;
}

function line(t: Translate, locale: Locale, key: string, value: string | undefined | null): string | null {
  return value === undefined || value === null || value === "" ? null : t(locale, key, { value });
}

function lines(parts: (string | null)[]): string {
  return parts.filter((p): p is string => p !== null).join("\n");
}

function periodText(t: Translate, locale: Locale, tx: TxRow): string | null {
  if (tx.months !== null) return t(locale, "bill.months", { count: tx.months, period: tx.period ?? "" });
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
    line(t, locale, "receipt.total", formatRupiah((tx.paid_price ?? tx.price ?? 0) + tx.fee)),
    tx.receipt_note === null ? null : t(locale, "receipt.note", { value: tx.receipt_note }),
  ]);
}

/** Plain words for why a provider refused or a payment failed. */
export function reasonText(t: Translate, locale: Locale, reason: string | null, providerMessage?: string | null): string {
  // "the biller says: …" needs the biller's words; the client drops words unfit for payers (provider-text.ts).
  const quotesNothing = reason === "provider_error" && (providerMessage ?? "").trim() === "";
  const key = `reasons.${quotesNothing ? "failed" : (reason ?? "failed")}`;
  const text = t(locale, key, { message: providerMessage ?? "" });
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
