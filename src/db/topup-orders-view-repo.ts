import type { Db } from "./open.ts";

export interface OrdersPage {
  columns: string[];
  rows: { rowId: number; values: (string | number | null)[] }[];
}

const TABLE = "topup_orders";

/**
 * A read-only view of the gateway's top-up orders for the dashboard, if the table exists
 * (docs/dashboard.md#top-up-orders). The table belongs to the gateway top-up feature; this view
 * assumes nothing about its columns: it lists what PRAGMA table_info reports, newest row first.
 */
export function createTopupOrdersViewRepo(db: Db) {
  const exists = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?");
  type Statement = ReturnType<typeof prepare>;
  let cached: { columns: string[]; newest: Statement | null; older: Statement | null; count: () => number } | null = null;

  function prepare(sql: string) {
    return db.prepare<number[], Record<string, string | number | null> & { __row: number }>(sql);
  }

  function statements() {
    if (cached !== null) return cached;
    if ((exists.get(TABLE)?.n ?? 0) === 0) return null;
    const info = db.prepare<[], { name: string; type: string }>(`PRAGMA table_info(${TABLE})`).all();
    const columns = info.filter((c) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.name)).map((c) => c.name);
    const list = columns.map((c) => `"${c}"`).join(", ");
    const countStmt = db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${TABLE}`);
    let newest = null;
    let older = null;
    try {
      newest = prepare(`SELECT rowid AS __row, ${list} FROM ${TABLE} ORDER BY rowid DESC LIMIT ?`);
      older = prepare(`SELECT rowid AS __row, ${list} FROM ${TABLE} WHERE rowid < ? ORDER BY rowid DESC LIMIT ?`);
    } catch {
      // A WITHOUT ROWID table has no insertion order to page by: counted, not listed.
    }
    cached = { columns, newest, older, count: () => countStmt.get()?.n ?? 0 };
    return cached;
  }

  return {
    /** Whether the gateway's orders table is in this database (checked each time until it is). */
    exists: () => statements() !== null,
    count: () => statements()?.count() ?? 0,
    /** Null when the table is absent or cannot be paged by rowid. */
    page(limit: number, beforeRow?: number): OrdersPage | null {
      const s = statements();
      if (s === null || s.newest === null || s.older === null) return null;
      const rows = beforeRow === undefined ? s.newest.all(limit) : s.older.all(beforeRow, limit);
      return {
        columns: s.columns,
        rows: rows.map((r) => ({ rowId: r.__row, values: s.columns.map((c) => normalise(r[c])) })),
      };
    },
  };
}

function normalise(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  return "[binary]";
}
export type TopupOrdersViewRepo = ReturnType<typeof createTopupOrdersViewRepo>;
