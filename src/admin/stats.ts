import type { Db } from "../db/open.ts";

export interface PeriodStats {
  count: number;
  volume: number;
  margin: number;
}

/**
 * Paid payer transactions settled since `since`: how many, how much payers paid (volume), and what
 * the operator kept (its fee plus the provider's commission, price − provider cost).
 */
export function paidStats(db: Db, since: number): PeriodStats {
  const row = db
    .prepare<[number], { count: number; volume: number | null; margin: number | null }>(
      `SELECT COUNT(*) AS count,
              SUM(COALESCE(paid_price, price) + fee) AS volume,
              SUM(fee + COALESCE(paid_price, price) - COALESCE(provider_cost, COALESCE(paid_price, price))) AS margin
       FROM transactions WHERE status = 'paid' AND account = 'payer' AND settled_at >= ?`,
    )
    .get(since);
  return { count: row?.count ?? 0, volume: row?.volume ?? 0, margin: row?.margin ?? 0 };
}

export function openCount(db: Db): number {
  return (
    db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM transactions WHERE status IN ('paying', 'pending', 'needs_review')").get()?.n ?? 0
  );
}
