import type { ExportTxRow, TransactionReportsRepo, TxCursor } from "../db/transaction-reports-repo.ts";
import type { TxStatus } from "../db/transactions-repo.ts";
import { maskName } from "../domain/mask.ts";
import { chargedTotal, displayNumber } from "../domain/render.ts";

/** Rows read per pull: one chunk of text handed to the socket at a time, never the whole export. */
export const CSV_CHUNK_ROWS = 2000;

const WIB_OFFSET_MS = 7 * 3_600_000;

/** `2026-11-22 10:00:00` in WIB: what a spreadsheet reads as a date and time. */
function wibStamp(at: number | null): string {
  return at === null ? "" : new Date(at + WIB_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A text that a
 * spreadsheet would run as a formula (= + - @, tab, CR at the start) gets a leading apostrophe:
 * names and provider words come from outside.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_HEADER = [
  "ref",
  "created_wib",
  "settled_wib",
  "status",
  "product",
  "customer_number",
  "name",
  "months",
  "period",
  "total",
  "charged",
  "price",
  "paid_price",
  "fee",
  "provider",
  "provider_ref",
  "owner",
  "settled_by",
  "failure_reason",
];

/** A transaction as one CSV line, masked as the pages mask it. */
export function csvLine(tx: ExportTxRow): string {
  const fields: (string | number | null)[] = [
    tx.ref,
    wibStamp(tx.created_at),
    wibStamp(tx.settled_at),
    tx.status,
    tx.product,
    displayNumber(tx.product, tx.customer_number),
    tx.name === null ? null : maskName(tx.name),
    tx.months,
    tx.period,
    tx.total,
    tx.status === "paid" ? chargedTotal(tx) : null,
    tx.price,
    tx.paid_price,
    tx.fee,
    tx.provider,
    tx.provider_ref,
    tx.owner ?? "operator",
    tx.settled_by,
    tx.failure_reason,
  ];
  return `${fields.map(csvField).join(",")}\r\n`;
}

/**
 * Transactions created in [from, to) as a CSV stream (docs/dashboard.md#csv-export): each pull
 * reads one chunk with better-sqlite3's iterate(), to its end, and hands it on as text; the next
 * chunk starts after the last row sent (keyset on created_at, rowid). Nothing holds the whole export,
 * and no statement stays open between pulls, so the bot's writes go on while a large export streams.
 */
export function transactionsCsv(reports: TransactionReportsRepo, range: { from: number; to: number; status?: TxStatus }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: TxCursor = { at: -1, row: -1 };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${CSV_HEADER.join(",")}\r\n`));
    },
    pull(controller) {
      let text = "";
      let rows = 0;
      for (const tx of reports.exportChunk(range, after, CSV_CHUNK_ROWS)) {
        text += csvLine(tx);
        after = { at: tx.created_at, row: tx.row_id };
        rows++;
      }
      if (text !== "") controller.enqueue(encoder.encode(text));
      if (rows < CSV_CHUNK_ROWS) controller.close();
    },
  });
}
