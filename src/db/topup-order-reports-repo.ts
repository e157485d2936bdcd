import type { Db } from "./open.ts";
import type { TopupMethod } from "../gateway/port.ts";
import { maskDigits } from "../domain/mask.ts";
import type { OrderStatus } from "./topup-orders-repo.ts";

/**
 * A top-up order as the dashboard shows it (docs/dashboard.md#top-up-orders): no QR payload, no
 * gateway id, and the VA number only masked to its last four digits — the columns that could let
 * someone pay into (or impersonate) an order are never read here at all.
 */
export interface ReportOrderRow {
  /** The order's place in the table (the list's keyset: newest first is highest first). */
  row_id: number;
  order_id: string;
  /** The payer's public id (users.public_id); null only for a row whose user is gone. */
  payer: string | null;
  amount: number;
  method: TopupMethod;
  status: OrderStatus;
  /** What the gateway's status API last said (normalised: pending, paid, expired, …, refunded, not_found). */
  gateway_state: string | null;
  review_reason: string | null;
  /** A credited order the gateway later reported refunded, denied or cancelled. */
  reversed_state: string | null;
  failure_code: string | null;
  paid_amount: number | null;
  bill_ref: string | null;
  va_bank: string | null;
  /** The VA number with every digit but the last four masked; null for QRIS. */
  va_masked: string | null;
  created_at: number;
  credited_at: number | null;
  closed_at: number | null;
  expires_at: number;
}

export interface OrderFilter {
  orderId?: string;
  /** A payer's public id (U…). */
  payer?: string;
  status?: OrderStatus;
  method?: TopupMethod;
}

type Raw = Omit<ReportOrderRow, "va_masked"> & { va_number: string | null };

const COLUMNS = `o.rowid AS row_id, o.order_id, u.public_id AS payer, o.amount, o.method, o.status, o.gateway_state, o.review_reason,
  o.reversed_state, o.failure_code, o.paid_amount, o.bill_ref, o.va_bank, o.va_number, o.created_at, o.credited_at, o.closed_at, o.expires_at`;
const OWNER = "LEFT JOIN users u ON u.id = o.user_id";

function shown(r: Raw): ReportOrderRow {
  const { va_number, ...rest } = r;
  return { ...rest, va_masked: va_number === null ? null : maskDigits(va_number) };
}

/**
 * The dashboard's reads of the gateway's top-up orders (docs/dashboard.md#top-up-orders): pages
 * newest first, by keyset over the rowid — the order rows are written in order and the rowid is
 * the table's own b-tree, so a page costs its own rows, with no index of its own. An order id is
 * looked up by its primary key, a payer through topup_orders_user, open orders through the partial
 * index topup_orders_one_open.
 */
export function createTopupOrderReportsRepo(db: Db) {
  const searches = new Map<string, ReturnType<typeof prepareSearch>>();

  function prepareSearch(filter: OrderFilter, paged: boolean) {
    const where: string[] = [];
    if (filter.orderId !== undefined) where.push("o.order_id = @orderId");
    if (filter.payer !== undefined) where.push("o.user_id = (SELECT id FROM users WHERE public_id = @payer)");
    if (filter.status !== undefined) where.push("o.status = @status");
    if (filter.method !== undefined) where.push("o.method = @method");
    if (paged) where.push("o.rowid < @before");
    return db.prepare<Record<string, string | number>, Raw>(
      `SELECT ${COLUMNS} FROM topup_orders o ${OWNER}
       ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY o.rowid DESC LIMIT @limit`,
    );
  }

  const openCount = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM topup_orders WHERE status = 'pending'");
  // needs_review is where an order stops (a person credits by hand with /topup); closed_at is when it got there.
  // One pass for all three figures: no index has the status (docs/dashboard.md#top-up-orders).
  const reviewCounts = db.prepare<{ day: number; month: number }, { today: number | null; month: number | null; total: number }>(
    `SELECT SUM(closed_at >= @day) AS today, SUM(closed_at >= @month) AS month, COUNT(*) AS total
     FROM topup_orders WHERE status = 'needs_review'`,
  );
  const reviewTotal = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM topup_orders WHERE status = 'needs_review'");
  const needingReview = db.prepare<[number], Raw>(
    `SELECT ${COLUMNS} FROM topup_orders o ${OWNER} WHERE o.status = 'needs_review' ORDER BY o.closed_at DESC, o.rowid DESC LIMIT ?`,
  );

  return {
    /** Up to `limit` orders matching every given filter, newest first, below the rowid `before` when given. */
    search(filter: OrderFilter, limit: number, before?: number): ReportOrderRow[] {
      const key =
        (["orderId", "payer", "status", "method"] as const).map((k) => (filter[k] === undefined ? "-" : k)).join() + (before === undefined ? "" : "+");
      let stmt = searches.get(key);
      if (stmt === undefined) {
        stmt = prepareSearch(filter, before !== undefined);
        searches.set(key, stmt);
      }
      const params: Record<string, string | number> = { limit };
      for (const [k, v] of Object.entries(filter)) if (v !== undefined) params[k] = v as string;
      if (before !== undefined) params.before = before;
      return stmt.all(params).map(shown);
    },
    /** Orders waiting for the payer's money now (pending). */
    openCount: () => openCount.get()?.n ?? 0,
    /** Orders that went to review since the start of `day` and of `month`, and all of them (the status is final). */
    reviewCounts(day: number, month: number): { today: number; month: number; total: number } {
      const r = reviewCounts.get({ day, month });
      return { today: r?.today ?? 0, month: r?.month ?? 0, total: r?.total ?? 0 };
    },
    /** Every order in review, however old: how many. */
    reviewCount: () => reviewTotal.get()?.n ?? 0,
    /** Orders in review, the most recent first (the queue). */
    needingReview: (limit: number) => needingReview.all(limit).map(shown),
  };
}
export type TopupOrderReportsRepo = ReturnType<typeof createTopupOrderReportsRepo>;
