import { randomBytes, randomInt } from "node:crypto";
import { iakDateTime, wibDate } from "../../domain/wib-time.ts";
import type { InquiryRow, PaymentState, Protocol, SimStore } from "./store.ts";

/**
 * The money side shared by both protocols: counting pay calls, moving the operator deposit, and
 * settling pending payments. Every pay call is counted in the same transaction that decides it, so
 * the count is on disk before the answer leaves ("at most one pay per inquiry" checks read it).
 */

export type PayDecision = "already_paid" | "in_process" | "invalid_amount" | "expired" | "deposit_low" | "success" | "pending" | "failed";

export interface PayResult {
  decision: PayDecision;
  row: InquiryRow;
  deposit: number;
}

export interface PayChecks {
  /** IAK rejects a pay on a later WIB day than its inquiry (RC 04); Espay documents no such rule. */
  sameWibDay: boolean;
  /** Espay: the amount sent equals the inquiry's; computed by the caller from the stored bill. */
  amountMatches: boolean;
}

export type SettleOutcome = "success" | "failed";

export interface PayBook {
  pay(id: number, checks: PayChecks): PayResult;
  /** The row as it stands now: a pending payment past its settle time is settled (success) first. */
  current(row: InquiryRow): InquiryRow;
  /** Settles a pending payment now; false when it was not pending. */
  settle(id: number, outcome: SettleOutcome): boolean;
  settleAllDue(): void;
}

export interface PayBookOptions {
  store: SimStore;
  now: () => number;
  settleAfterMs: number;
}

function paymentState(row: InquiryRow): PaymentState {
  return {
    payCount: row.payCount,
    payStatus: row.payStatus,
    failReason: row.failReason,
    paidAt: row.paidAt,
    settledAt: row.settledAt,
    noref: row.noref,
    payRef: row.payRef,
    balanceAfter: row.balanceAfter,
  };
}

/** IAK's noref is a long digit string; Espay's recon_ref is 16 uppercase hex characters. */
function billerReference(protocol: Protocol): string {
  if (protocol === "espay") return randomBytes(8).toString("hex").toUpperCase();
  return String(randomInt(100_000_000, 1_000_000_000)) + String(randomInt(100_000_000, 1_000_000_000));
}

/** Espay's payment ref_id (`BPJS20250214144441` in the sample), made unique by the row id. */
function espayPayRef(row: InquiryRow, now: number): string {
  return `BPJS${iakDateTime(now)}${String(row.id).padStart(6, "0")}`;
}

export function createPayBook({ store, now, settleAfterMs }: PayBookOptions): PayBook {
  function mustGet(id: number): InquiryRow {
    const row = store.byId(id);
    if (row === undefined) throw new Error(`no inquiry ${id}`);
    return row;
  }

  /** Callers hold a transaction. */
  function settleRow(row: InquiryRow, outcome: SettleOutcome, at: number): InquiryRow {
    if (row.payStatus !== "pending") return row;
    const state = paymentState(row);
    state.settledAt = at;
    if (outcome === "success") {
      state.payStatus = "success";
      state.noref = billerReference(row.protocol);
    } else {
      const deposit = store.deposit() + row.cost;
      store.setDeposit(deposit);
      state.payStatus = "failed";
      state.failReason = "failed";
      state.balanceAfter = deposit;
    }
    store.savePayment(row.id, state);
    return mustGet(row.id);
  }

  function dueAt(row: InquiryRow): number | null {
    return row.payStatus === "pending" && row.paidAt !== null ? row.paidAt + settleAfterMs : null;
  }

  /** Callers hold a transaction. */
  function settleIfDue(row: InquiryRow): InquiryRow {
    const due = dueAt(row);
    // Stamped with the moment it became due, not the moment someone looked.
    return due !== null && now() >= due ? settleRow(row, "success", due) : row;
  }

  function decide(row: InquiryRow, checks: PayChecks, at: number): PayDecision {
    if (row.payStatus === "success") return "already_paid";
    if (row.payStatus === "pending") return "in_process";
    if (!checks.amountMatches) return "invalid_amount";
    if (checks.sameWibDay && wibDate(row.createdAt) !== wibDate(at)) return "expired";
    if (store.deposit() < row.cost) return "deposit_low";
    switch (row.payScenario) {
      case "success":
        return "success";
      case "pending":
        return "pending";
      case "failed":
      case "biller_error":
        return "failed";
    }
  }

  function pay(id: number, checks: PayChecks): PayResult {
    return store.transaction(() => {
      const at = now();
      const row = settleIfDue(mustGet(id));
      const state = paymentState(row);
      state.payCount += 1;
      const decision = decide(row, checks, at);
      let deposit = store.deposit();
      if (decision === "success" || decision === "pending" || decision === "failed") {
        state.paidAt = at;
        state.payRef ??= row.protocol === "espay" ? espayPayRef(row, at) : null;
        if (decision === "failed") {
          state.payStatus = "failed";
          state.failReason = row.payScenario === "biller_error" ? "biller_error" : "failed";
          state.settledAt = at;
        } else {
          // Pending takes the money too, and gives it back if it later fails: what IAK does.
          deposit -= row.cost;
          store.setDeposit(deposit);
          state.payStatus = decision;
          state.failReason = null;
          state.settledAt = decision === "success" ? at : null;
          state.noref = decision === "success" ? billerReference(row.protocol) : null;
        }
        state.balanceAfter = deposit;
      }
      store.savePayment(row.id, state);
      return { decision, row: mustGet(row.id), deposit };
    });
  }

  return {
    pay,
    current: (row) => (dueAt(row) === null ? row : store.transaction(() => settleIfDue(mustGet(row.id)))),
    settle: (id, outcome) =>
      store.transaction(() => {
        const row = mustGet(id);
        if (row.payStatus !== "pending") return false;
        settleRow(row, outcome, now());
        return true;
      }),
    settleAllDue: () => {
      const due = store.pendingPaidBefore(now() - settleAfterMs);
      if (due.length > 0) store.transaction(() => due.forEach((row) => settleIfDue(mustGet(row.id))));
    },
  };
}
