import type { Db } from "./open.ts";
import type { ProductId } from "../domain/products.ts";
import type { TxRow, TxStatus } from "./transactions-repo.ts";

/** A transaction as the dashboard lists it: the row, its owner's public id, and its place in the order (for the next page). */
export interface ReportTxRow extends TxRow {
  row_id: number;
  owner: string | null;
}

/** Where a page starts: the last row of the page before (newest first), by (created_at, rowid). */
export interface TxCursor {
  at: number;
  row: number;
}

export interface TxFilter {
  ref?: string;
  number?: string;
  status?: TxStatus;
  product?: ProductId;
}

const OWNER = "LEFT JOIN users u ON u.id = t.user_id";

const EXPORT_COLUMNS = [
  "ref",
  "created_at",
  "settled_at",
  "status",
  "product",
  "customer_number",
  "name",
  "months",
  "period",
  "total",
  "price",
  "paid_price",
  "fee",
  "provider",
  "provider_ref",
  "settled_by",
  "failure_reason",
] as const satisfies readonly (keyof TxRow)[];

/** What the CSV export reads of a transaction. */
export type ExportTxRow = Pick<TxRow, (typeof EXPORT_COLUMNS)[number]> & { row_id: number; owner: string | null };

/**
 * The dashboard's reads of transactions (docs/dashboard.md#pages): search and filter pages, newest
 * first, paged by keyset over (created_at, rowid) on the transactions_created and
 * transactions_status_created indexes; the CSV export in chunks; the open queue.
 */
export function createTransactionReportsRepo(db: Db) {
  const searches = new Map<string, ReturnType<typeof prepareSearch>>();

  function prepareSearch(filter: TxFilter, paged: boolean) {
    const where: string[] = [];
    if (filter.ref !== undefined) where.push("t.ref = @ref");
    if (filter.number !== undefined) where.push("t.customer_number = @number");
    if (filter.status !== undefined) where.push("t.status = @status");
    if (filter.product !== undefined) where.push("t.product = @product");
    if (paged) where.push("(t.created_at, t.rowid) < (@at, @row)");
    return db.prepare<Record<string, string | number>, ReportTxRow>(
      `SELECT t.rowid AS row_id, t.*, u.public_id AS owner FROM transactions t ${OWNER}
       ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY t.created_at DESC, t.rowid DESC LIMIT @limit`,
    );
  }

  type ChunkParams = { from: number; to: number; at: number; row: number; limit: number; status?: TxStatus };
  // Only the exported columns: building a 40-field object per row would cost more than the rest of the export.
  const exportSql = (byStatus: boolean) =>
    `SELECT t.rowid AS row_id, ${EXPORT_COLUMNS.map((c) => `t.${c}`).join(", ")}, u.public_id AS owner FROM transactions t ${OWNER}
     WHERE t.created_at >= @from AND t.created_at < @to AND (t.created_at, t.rowid) > (@at, @row) ${byStatus ? "AND t.status = @status" : ""}
     ORDER BY t.created_at, t.rowid LIMIT @limit`;
  const exportAll = db.prepare<ChunkParams, ExportTxRow>(exportSql(false));
  const exportByStatus = db.prepare<ChunkParams, ExportTxRow>(exportSql(true));
  const open = db.prepare<[number], ReportTxRow>(
    `SELECT t.rowid AS row_id, t.*, u.public_id AS owner FROM transactions t ${OWNER}
     WHERE t.status IN ('paying', 'pending', 'needs_review') ORDER BY t.created_at LIMIT ?`,
  );
  const openCounts = db.prepare<[], { status: TxStatus; n: number }>(
    "SELECT status, COUNT(*) AS n FROM transactions WHERE status IN ('paying', 'pending', 'needs_review') GROUP BY status",
  );
  const one = db.prepare<[string], ReportTxRow>(`SELECT t.rowid AS row_id, t.*, u.public_id AS owner FROM transactions t ${OWNER} WHERE t.ref = ?`);

  return {
    /** Up to `limit` rows matching every given filter, newest first, after `before` when given. */
    search(filter: TxFilter, limit: number, before?: TxCursor): ReportTxRow[] {
      const key = ["ref", "number", "status", "product"].map((k) => (filter[k as keyof TxFilter] === undefined ? "-" : k)).join() + (before ? "+" : "");
      let stmt = searches.get(key);
      if (stmt === undefined) {
        stmt = prepareSearch(filter, before !== undefined);
        searches.set(key, stmt);
      }
      const params: Record<string, string | number> = { limit };
      for (const [k, v] of Object.entries(filter)) if (v !== undefined) params[k] = v as string;
      if (before) Object.assign(params, before);
      return stmt.all(params);
    },
    get: (ref: string) => one.get(ref),
    /**
     * One chunk of the export: rows created in [from, to), oldest first, after `after`. Each chunk
     * is read to its end at once: better-sqlite3 refuses every write on a connection while a
     * statement's iterator is open, so none may stay open across an await.
     */
    exportChunk: (range: { from: number; to: number; status?: TxStatus }, after: TxCursor, limit: number): IterableIterator<ExportTxRow> =>
      range.status === undefined
        ? exportAll.iterate({ from: range.from, to: range.to, ...after, limit })
        : exportByStatus.iterate({ from: range.from, to: range.to, status: range.status, ...after, limit }),
    /** Payments waiting (paying, pending, needs review), oldest first. */
    open: (limit: number) => open.all(limit),
    openCounts(): Record<"paying" | "pending" | "needs_review", number> {
      const out = { paying: 0, pending: 0, needs_review: 0 };
      for (const r of openCounts.all()) out[r.status as keyof typeof out] = r.n;
      return out;
    },
  };
}
export type TransactionReportsRepo = ReturnType<typeof createTransactionReportsRepo>;
