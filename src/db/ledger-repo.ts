import type { Db } from "./open.ts";

export type LedgerKind = "demo" | "topup" | "hold" | "refund" | "correction" | "adjustment" | "operator_payment";

export interface LedgerRow {
  id: number;
  user_id: number | null;
  amount: number;
  kind: LedgerKind;
  tx_ref: string | null;
  /** The gateway top-up order this row credits (one row per order at most: migration 006). */
  order_id: string | null;
  actor: string;
  note: string | null;
  created_at: number;
}

export class InsufficientBalanceError extends Error {
  constructor(
    readonly balance: number,
    readonly needed: number,
  ) {
    super(`balance ${balance} is below ${needed}`);
    this.name = "InsufficientBalanceError";
  }
}

/** The wallet: balances are the sum of ledger rows, and a payer's balance never goes below zero. */
export function createLedgerRepo(db: Db) {
  const sumUser = db.prepare<[number], { balance: number }>("SELECT COALESCE(SUM(amount), 0) AS balance FROM ledger WHERE user_id = ?");
  const insert = db.prepare<[number | null, number, LedgerKind, string | null, string | null, string, string | null, number]>(
    "INSERT INTO ledger (user_id, amount, kind, tx_ref, order_id, actor, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const forOrder = db.prepare<[string], LedgerRow>("SELECT * FROM ledger WHERE order_id = ?");
  const forTx = db.prepare<[string], LedgerRow>("SELECT * FROM ledger WHERE tx_ref = ? ORDER BY id");
  const hasRefund = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM ledger WHERE tx_ref = ? AND kind = 'refund'");

  function balance(userId: number): number {
    return sumUser.get(userId)?.balance ?? 0;
  }

  return {
    balance,
    /**
     * Adds one row. For a payer, a row that would take the balance below zero is refused: callers
     * run this inside their transaction, so a refusal rolls the whole step back.
     */
    post(p: { userId: number | null; amount: number; kind: LedgerKind; txRef?: string; orderId?: string; actor: string; note?: string; now: number }): number {
      if (!Number.isSafeInteger(p.amount) || p.amount === 0) throw new Error(`bad ledger amount ${p.amount}`);
      if (p.userId !== null && p.amount < 0) {
        const current = balance(p.userId);
        if (current + p.amount < 0) throw new InsufficientBalanceError(current, -p.amount);
      }
      return Number(insert.run(p.userId, p.amount, p.kind, p.txRef ?? null, p.orderId ?? null, p.actor, p.note ?? null, p.now).lastInsertRowid);
    },
    rowsForTx: (ref: string) => forTx.all(ref),
    hasRefund: (ref: string) => (hasRefund.get(ref)?.n ?? 0) > 0,
    /** The credit of a gateway top-up order, if it was credited. */
    creditForOrder: (orderId: string) => forOrder.get(orderId),
  };
}
export type LedgerRepo = ReturnType<typeof createLedgerRepo>;
