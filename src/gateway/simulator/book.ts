import { randomUUID } from "node:crypto";
import type { TopupMethod } from "../port.ts";
import { notificationBody } from "./answers.ts";
import { GATEWAY_SIMULATOR_MERCHANT } from "./credentials.ts";
import { qrisPayload } from "./qris.ts";
import type { GatewayScenario } from "./scenarios.ts";
import type { GatewaySimStore, SimOrderRow, SimOrderState, SimTxStatus } from "./store.ts";

/**
 * The simulated gateway's order book: charges, the scheduled life of each transaction (paid,
 * expired, paid late, reversed) and the notifications each change queues. Every change and its
 * notifications are written in one transaction, so a notification is never lost or invented by a
 * crash, and another process on the same file (the CLI's `gateway pay`) can pay an order that
 * this one then notifies (docs/gateway.md#simulator).
 */

export interface BookOptions {
  store: GatewaySimStore;
  now: () => number;
  serverKey: string;
  /** Read at each charge: the delay can be changed while running. */
  payAfterMs: () => number;
}

export interface NewCharge {
  orderId: string;
  method: TopupMethod;
  amount: number;
  expiresAt: number;
  notifyUrls: readonly string[];
  /** Called inside the charge's transaction, once the charge is known to go ahead. */
  scenario: () => GatewayScenario;
}

export type ChargeResult = { kind: "created"; row: SimOrderRow } | { kind: "duplicate"; row: SimOrderRow } | { kind: "refused" };

export type ChangeResult = { kind: "changed"; row: SimOrderRow } | { kind: "not_pending"; row: SimOrderRow } | { kind: "not_found" };

export interface Book {
  charge(charge: NewCharge): ChargeResult;
  /** A transaction by its transaction_id, else the latest for an order_id; brought up to date. */
  find(id: string): SimOrderRow | undefined;
  /** Applies every transition now due, with its notifications. */
  advanceAllDue(): void;
  /** The payer pays now. `late` allows paying an expired order (a screenshot of its QR). */
  payNow(id: string, opts?: { late?: boolean }): ChangeResult;
  cancel(id: string): ChangeResult;
  expire(id: string): ChangeResult;
}

/** VA numbers: a made-up company prefix per bank, then the row id, unique by construction. */
const VA_PREFIX: Readonly<Record<Exclude<TopupMethod, "qris">, { prefix: string; length: number }>> = {
  bca_va: { prefix: "77701", length: 15 },
  bni_va: { prefix: "98877", length: 16 },
  bri_va: { prefix: "77702", length: 16 },
  permata_va: { prefix: "8777", length: 15 },
};

function vaNumberFor(method: Exclude<TopupMethod, "qris">, id: number): string {
  const { prefix, length } = VA_PREFIX[method];
  return prefix + String(id).padStart(length - prefix.length, "0");
}

/** When the row's next scheduled change happens, or null when nothing more will. */
function nextAt(row: Pick<SimOrderRow, "status" | "payAt" | "expiresAt" | "reverseAt" | "scenario" | "settledAt">): number | null {
  switch (row.status) {
    case "pending":
      return row.payAt !== null && row.payAt < row.expiresAt ? row.payAt : row.expiresAt;
    case "expire":
      return row.scenario === "pay_late" && row.payAt !== null && row.settledAt === null ? row.payAt : null;
    case "settlement":
      return row.reverseAt;
    default:
      return null;
  }
}

const REUSABLE: ReadonlySet<SimTxStatus> = new Set(["expire", "cancel"]);
const NEVER_PAID: ReadonlySet<GatewayScenario> = new Set(["never_pay", "forged_notification", "lose_charge_answer"]);

export function createBook({ store, now, serverKey, payAfterMs }: BookOptions): Book {
  function mustGet(id: number): SimOrderRow {
    const row = store.orderById(id);
    if (row === undefined) throw new Error(`gateway order ${id} vanished`);
    return row;
  }

  /** Queues one notification per URL (or records that there was nowhere to send it). */
  function notify(row: SimOrderRow, at: number, opts: { kind?: string; forgedWith?: string; copies?: number; dueAt?: number } = {}): void {
    const body = JSON.stringify(notificationBody(row, at, serverKey, opts.forgedWith));
    const kind = opts.kind ?? row.status;
    for (let copy = 0; copy < (opts.copies ?? 1); copy += 1) {
      if (row.notifyUrls.length === 0) {
        store.insertNotification({ transactionId: row.transactionId, kind, url: "", body, createdAt: at, dueAt: null, lastResult: "no notification URL" });
      }
      for (const url of row.notifyUrls) {
        store.insertNotification({ transactionId: row.transactionId, kind, url, body, createdAt: at, dueAt: opts.dueAt ?? at, lastResult: null });
      }
    }
  }

  /** Callers hold a transaction. */
  function change(row: SimOrderRow, status: SimTxStatus, at: number): SimOrderRow {
    const settled = status === "settlement";
    const state: SimOrderState = {
      status,
      settledAt: settled ? at : row.settledAt,
      finalAt: settled ? null : at,
      reverseAt: settled && row.scenario === "reversal" ? at + payAfterMs() : null,
      nextAt: null,
    };
    state.nextAt = nextAt({ ...row, ...state });
    store.saveOrder(row.id, state);
    const after = mustGet(row.id);
    notify(after, at, { copies: settled && row.scenario === "notify_twice" ? 2 : 1 });
    return after;
  }

  /** Applies the row's due changes in time order, each stamped with the moment it was due. Callers hold a transaction. */
  function advance(row: SimOrderRow): SimOrderRow {
    const at = now();
    let current = row;
    for (let due = nextAt(current); due !== null && due <= at; due = nextAt(current)) {
      if (current.status === "pending") current = change(current, current.payAt === due && due < current.expiresAt ? "settlement" : "expire", due);
      else if (current.status === "expire") current = change(current, "settlement", due);
      else current = change(current, "deny", due);
    }
    return current;
  }

  function findRow(id: string): SimOrderRow | undefined {
    return store.orderByTransactionId(id) ?? store.latestOrder(id);
  }

  function act(id: string, fn: (row: SimOrderRow) => ChangeResult): ChangeResult {
    return store.transaction(() => {
      const found = findRow(id);
      return found === undefined ? { kind: "not_found" } : fn(advance(found));
    });
  }

  return {
    charge(c) {
      return store.transaction(() => {
        const at = now();
        const previous = store.latestOrder(c.orderId);
        // Midtrans frees an order id only once its transaction was cancelled or expired.
        if (previous !== undefined) {
          const current = advance(previous);
          if (!REUSABLE.has(current.status)) return { kind: "duplicate", row: current };
        }
        const scenario = c.scenario();
        if (scenario === "refuse_charge") return { kind: "refused" };
        const transactionId = randomUUID();
        const delay = payAfterMs();
        const payAt = scenario === "pay_late" ? c.expiresAt + delay : NEVER_PAID.has(scenario) ? null : at + delay;
        const planned = { status: "pending" as const, payAt, expiresAt: c.expiresAt, reverseAt: null, scenario, settledAt: null };
        const inserted = store.insertOrder({
          transactionId,
          orderId: c.orderId,
          method: c.method,
          grossAmount: c.amount,
          qrString:
            c.method === "qris"
              ? qrisPayload({
                  transactionId,
                  amount: c.amount,
                  merchantName: GATEWAY_SIMULATOR_MERCHANT.name,
                  merchantCity: GATEWAY_SIMULATOR_MERCHANT.city,
                  postalCode: GATEWAY_SIMULATOR_MERCHANT.postalCode,
                  nmid: GATEWAY_SIMULATOR_MERCHANT.nmid,
                })
              : null,
          status: "pending",
          scenario,
          createdAt: at,
          expiresAt: c.expiresAt,
          payAt,
          reverseAt: null,
          nextAt: nextAt(planned),
          notifyUrls: [...c.notifyUrls],
        });
        if (inserted.method !== "qris") store.setVaNumber(inserted.id, vaNumberFor(inserted.method, inserted.id));
        const row = mustGet(inserted.id);
        // Midtrans notifies "pending" as soon as a charge is created: it can beat the charge answer.
        notify(row, at);
        if (scenario === "forged_notification") notify(row, at, { kind: "forged", forgedWith: `${serverKey}-forged`, dueAt: at + delay });
        return { kind: "created", row };
      });
    },

    find(id) {
      const found = findRow(id);
      if (found === undefined) return undefined;
      const due = nextAt(found);
      return due !== null && due <= now() ? store.transaction(() => advance(mustGet(found.id))) : found;
    },

    advanceAllDue() {
      const due = store.ordersDueBy(now());
      if (due.length > 0) store.transaction(() => due.forEach((row) => advance(mustGet(row.id))));
    },

    payNow: (id, opts = {}) =>
      act(id, (row) => {
        const payable = row.status === "pending" || (opts.late === true && row.status === "expire" && row.settledAt === null);
        return payable ? { kind: "changed", row: change(row, "settlement", now()) } : { kind: "not_pending", row };
      }),

    cancel: (id) => act(id, (row) => (row.status === "pending" ? { kind: "changed", row: change(row, "cancel", now()) } : { kind: "not_pending", row })),

    expire: (id) => act(id, (row) => (row.status === "pending" ? { kind: "changed", row: change(row, "expire", now()) } : { kind: "not_pending", row })),
  };
}
