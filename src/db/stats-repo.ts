import type { Db } from "./open.ts";

export interface PeriodStats {
  count: number;
  volume: number;
  margin: number;
}

export interface ReminderStats {
  remindersSent: number;
  noticesSent: number;
  autopayMade: number;
  autopayFailed: number;
  autopaySkipped: number;
}

/** The figures behind /stats (and the dashboard's overview). */
export function createStatsRepo(db: Db) {
  // charged: the confirmed total less any price drop given back (a rise is the operator's; docs/money.md).
  const paid = db.prepare<[number], { count: number; volume: number | null; margin: number | null }>(
    `SELECT COUNT(*) AS count, SUM(charged) AS volume, SUM(charged - cost) AS margin FROM (
       SELECT total - MAX(0, price - COALESCE(paid_price, price)) AS charged,
              COALESCE(provider_cost, paid_price, price) AS cost
       FROM transactions WHERE status = 'paid' AND account = 'payer' AND settled_at >= ?)`,
  );
  const runs = db.prepare<[string, string, number], { n: number }>(
    "SELECT COUNT(*) AS n FROM reminder_runs WHERE kind = ? AND status = ? AND finished_at >= ?",
  );
  const open = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM transactions WHERE status IN ('paying', 'pending', 'needs_review')");
  // The same figures per WIB day (UTC+7, no daylight saving: docs/dashboard.md#overview).
  const daily = db.prepare<[number], { day: number; count: number; volume: number | null; margin: number | null }>(
    `SELECT (settled_at + 25200000) / 86400000 AS day, COUNT(*) AS count, SUM(charged) AS volume, SUM(charged - cost) AS margin FROM (
       SELECT settled_at, total - MAX(0, price - COALESCE(paid_price, price)) AS charged,
              COALESCE(provider_cost, paid_price, price) AS cost
       FROM transactions WHERE status = 'paid' AND account = 'payer' AND settled_at >= ?)
     GROUP BY day ORDER BY day`,
  );
  const topups = db.prepare<[number], { count: number; amount: number | null }>(
    "SELECT COUNT(*) AS count, SUM(amount) AS amount FROM ledger WHERE kind = 'topup' AND created_at >= ?",
  );
  return {
    /**
     * Paid payer transactions settled since `since`: how many, how much payers paid (volume), and
     * what the operator kept (what the payer paid less what the provider took from the deposit).
     */
    paidSince(since: number): PeriodStats {
      const row = paid.get(since);
      return { count: row?.count ?? 0, volume: row?.volume ?? 0, margin: row?.margin ?? 0 };
    },
    openCount: () => open.get()?.n ?? 0,
    /** paidSince per WIB day from `since`: `day` counts whole days since 1970-01-01 WIB; days without a payment are absent. */
    dailyPaidSince: (since: number) => daily.all(since).map((r) => ({ day: r.day, count: r.count, volume: r.volume ?? 0, margin: r.margin ?? 0 })),
    /** Balance top-ups credited since `since` (admin /topup and approved /isi requests): how many and how much. */
    topupsSince(since: number): { count: number; amount: number } {
      const row = topups.get(since);
      return { count: row?.count ?? 0, amount: row?.amount ?? 0 };
    },
    /** Reminders sent, and auto-payments made, failed and skipped, finished since `since` (docs/reminders.md#counts). */
    remindersSince(since: number): ReminderStats {
      // One range of the (kind, status, finished_at) index each: the table only grows.
      const count = (kind: string, status: string) => runs.get(kind, status, since)?.n ?? 0;
      return {
        remindersSent: count("reminder", "done"),
        noticesSent: count("autopay_notice", "done"),
        autopayMade: count("autopay", "done"),
        autopayFailed: count("autopay", "failed"),
        autopaySkipped: count("autopay", "skipped"),
      };
    },
  };
}
export type StatsRepo = ReturnType<typeof createStatsRepo>;
