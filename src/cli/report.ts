import type { TxRow, TxStatus } from "../db/transactions-repo.ts";
import { maskName } from "../domain/mask.ts";
import { formatRupiah } from "../domain/money.ts";
import type { ProductId } from "../domain/products.ts";
import { displayNumber } from "../domain/render.ts";
import { formatWib } from "../domain/wib-time.ts";
import type { CliContext } from "./context.ts";

/**
 * What every command prints about a transaction: with --json exactly one object on stdout, for
 * scripts; otherwise a few aligned lines for a person. Names and NIKs are masked as everywhere
 * else in Loket: this output ends up in terminals, cron mail and tickets.
 */

export type ReportStatus = "success" | "rejected" | "pending" | "unknown";

export interface TxReport {
  ref: string | null;
  status: ReportStatus;
  reason?: string;
  product: ProductId | null;
  number: string | null;
  name: string | null;
  /** Integer rupiah; null where no bill is known. */
  bill: number | null;
  admin: number | null;
  fee: number | null;
  total: number | null;
  /** The row's own status (inquired, paid, needs_review, …), finer than `status`. */
  state: TxStatus | null;
  provider: string | null;
  months: number | null;
  period: string | null;
  providerRef: string | null;
  /** ISO time after which the inquiry can no longer be paid. */
  expiresAt: string | null;
  /** When refused because a payment of the same bill is open: that payment's ref. */
  openRef?: string;
}

export interface Verdict {
  status: ReportStatus;
  reason?: string;
}

/** For `inquire`: did the bill check work? */
export function inquiryVerdict(tx: TxRow): Verdict {
  if (tx.status === "inquired") return { status: "success" };
  if (tx.status === "inquiry_failed") return { status: "rejected", reason: tx.failure_reason ?? "failed" };
  // Still `inquiring` (a bot restart may have closed it meanwhile), or already moved on.
  return { status: "unknown" };
}

/** For `pay` and `status`: where does the money stand? */
export function paymentVerdict(tx: TxRow): Verdict {
  switch (tx.status) {
    case "paid":
      return { status: "success" };
    case "failed":
      return { status: "rejected", reason: tx.failure_reason ?? "failed" };
    // `paying` is a pay request in flight (or interrupted): money may be moving, like pending.
    case "paying":
    case "pending":
    case "needs_review":
      return { status: "pending" };
    default:
      return { status: "unknown" };
  }
}

export function reportOf(tx: TxRow | undefined, verdict: Verdict, ref: string | null = tx?.ref ?? null): TxReport {
  const paid = tx?.paid_price ?? null;
  return {
    ref,
    status: verdict.status,
    ...(verdict.status === "rejected" && { reason: verdict.reason ?? "failed" }),
    product: tx?.product ?? null,
    number: tx === undefined ? null : displayNumber(tx.product, tx.customer_number),
    name: tx?.name == null ? null : maskName(tx.name),
    bill: tx?.bill_amount ?? null,
    admin: tx?.admin_fee ?? null,
    fee: tx?.fee ?? null,
    // What was actually charged once paid (a price may move between inquiry and payment).
    total: tx === undefined ? null : paid !== null ? paid + tx.fee : tx.total,
    state: tx?.status ?? null,
    provider: tx?.provider ?? null,
    months: tx?.months ?? null,
    period: tx?.period ?? null,
    providerRef: tx?.provider_ref ?? null,
    expiresAt: tx?.expires_at == null ? null : new Date(tx.expires_at).toISOString(),
  };
}

function money(value: number | null): string | null {
  return value === null ? null : formatRupiah(value);
}

/** Human lines for a transaction; absent values are left out. */
function detailLines(report: TxReport, tx: TxRow | undefined): string[] {
  const rows: [string, string | number | null | undefined][] = [
    ["product", report.product === null ? null : report.months === null ? report.product : `${report.product}, ${report.months} month(s)`],
    ["number", report.number],
    ["name", report.name],
    ["period", report.period],
    ["branch", tx?.branch],
    ["participants", tx?.participants],
    ["bill", money(report.bill)],
    ["admin", money(report.admin)],
    ["fee", money(report.fee)],
    ["total", money(report.total)],
    ["state", report.state],
    ["provider", report.provider],
    ["provider ref", report.providerRef],
    // A paid row may still carry the code of an earlier "in process" answer: only show it while it matters.
    ["provider code", tx?.status === "paid" ? null : [tx?.failure_code, tx?.failure_message].filter(Boolean).join(" ") || null],
    ["review", tx?.review_reason],
    ["valid until", tx?.expires_at == null || tx.status !== "inquired" ? null : formatWib(tx.expires_at)],
    ["settled", tx?.settled_at == null ? null : formatWib(tx.settled_at)],
    ["note", tx?.receipt_note],
  ];
  return rows.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => `  ${k.padEnd(13)} ${String(v)}`);
}

/**
 * Prints one report. `headline` and `hints` are for people only; with --json stdout carries the
 * object alone, and the hints go nowhere (a script knows what it runs next).
 */
export function printReport(ctx: CliContext, report: TxReport, tx: TxRow | undefined, headline: string, hints: string[] = []): void {
  if (ctx.json) {
    ctx.io.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  ctx.io.stdout.write([headline, ...detailLines(report, tx), ...hints].join("\n") + "\n");
}

/** One line naming a refusal reason with the provider's own words when there are any. */
export function reasonLine(verdict: Verdict, tx: TxRow | undefined): string {
  const detail = [tx?.failure_code, tx?.failure_message].filter(Boolean).join(" ");
  return `${verdict.reason ?? "failed"}${detail === "" ? "" : ` (${detail})`}`;
}
