import { z } from "zod";
import { rowIdOfTrId, trIdOf } from "./iak-responses.ts";
import { json, type Answer } from "./http-io.ts";
import type { PayBook, SettleOutcome } from "./pay-book.ts";
import type { InquiryRow, PayStatus, Protocol, SimStore } from "./store.ts";
import { readJson } from "../../shared/json.ts";

/**
 * Test and soak controls: settle a pending payment, set the deposit, list pay calls. The same
 * operations back the in-process Simulator object and the /__sim/* endpoints other processes use.
 */

export interface PayCall {
  protocol: Protocol;
  /** IAK: the inquiry's ref_id. Espay: the inquiry's rq_uuid. */
  ref: string;
  customerNumber: string;
  payCount: number;
  status: PayStatus;
  productCode: string;
  /** IAK tr_id, or Espay's payment ref_id once a payment got that far. */
  providerRef: string | null;
}

export interface Controls {
  settle(refOrTrId: string, outcome: SettleOutcome): boolean;
  setDeposit(rupiah: number): void;
  deposit(): number;
  payCalls(): PayCall[];
}

export class UnknownRefError extends Error {}

function toPayCall(row: InquiryRow): PayCall {
  return {
    protocol: row.protocol,
    ref: row.ref,
    customerNumber: row.customerNumber,
    payCount: row.payCount,
    status: row.payStatus,
    productCode: row.productCode,
    providerRef: row.protocol === "iak" ? String(trIdOf(row)) : row.payRef,
  };
}

/** Any identifier a test may hold: IAK ref_id or tr_id, Espay ref_id, rq_uuid or reff_code. */
function find(store: SimStore, key: string): InquiryRow | undefined {
  const direct = store.byRef("iak", key) ?? store.byPayRef(key) ?? store.byRef("espay", key) ?? store.byReffCode(key);
  if (direct !== undefined || !/^\d{1,15}$/.test(key)) return direct;
  const byTrId = store.byId(rowIdOfTrId(Number(key)));
  return byTrId?.protocol === "iak" ? byTrId : undefined;
}

export function createControls(store: SimStore, book: PayBook): Controls {
  return {
    settle(refOrTrId, outcome) {
      const row = find(store, refOrTrId);
      if (row === undefined) throw new UnknownRefError(`simulator: no inquiry known as ${refOrTrId}`);
      return book.settle(row.id, outcome);
    },
    setDeposit: (rupiah) => store.transaction(() => store.setDeposit(rupiah)),
    deposit: () => store.deposit(),
    payCalls() {
      // Due settlements first, so the statuses read are those a checkstatus would give now.
      book.settleAllDue();
      return store.paidAtLeastOnce().map(toPayCall);
    },
  };
}

const SETTLE = z.object({ ref: z.string().min(1), outcome: z.enum(["success", "failed"]).default("success") });
const DEPOSIT = z.object({ rupiah: z.number().int().nonnegative() });

/** /__sim/settle (POST), /__sim/pay-calls (GET), /__sim/deposit (GET, POST). */
export function handleControl(controls: Controls, method: string, path: string, rawBody: string): Answer {
  if (path === "/__sim/pay-calls" && method === "GET") return json(200, controls.payCalls());
  if (path === "/__sim/deposit" && method === "GET") return json(200, { rupiah: controls.deposit() });
  if (path === "/__sim/deposit" && method === "POST") {
    const parsed = DEPOSIT.safeParse(readJson(rawBody));
    if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
    controls.setDeposit(parsed.data.rupiah);
    return json(200, { rupiah: controls.deposit() });
  }
  if (path === "/__sim/settle" && method === "POST") {
    const parsed = SETTLE.safeParse(readJson(rawBody));
    if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
    try {
      return json(200, { settled: controls.settle(parsed.data.ref, parsed.data.outcome) });
    } catch (err) {
      if (err instanceof UnknownRefError) return json(404, { error: err.message });
      throw err;
    }
  }
  return json(404, { error: `no control ${method} ${path}` });
}
