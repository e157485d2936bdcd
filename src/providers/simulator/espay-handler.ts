import { z } from "zod";
import { espayBill, espayTotal } from "./bills.ts";
import { ESPAY_PRODUCT_CODE, isValidCustomerNumber } from "./catalog.ts";
import type { SimulatorCredentials } from "./credentials.ts";
import { espayError, failureCode, inquiryAnswer, paidData, storedEspayBill, txStatus, type EspayAnswer } from "./espay-responses.ts";
import { json, type Answer } from "./http-io.ts";
import type { PayBook } from "./pay-book.ts";
import { scenarioFor } from "./scenarios.ts";
import { espaySignature } from "./signatures.ts";
import type { InquiryRow, SimStore } from "./store.ts";
import { readJson } from "../../shared/json.ts";

/**
 * Espay biller: form-urlencoded POSTs with Basic auth, JSON answers
 * (docs/providers.md#espay-endpoints-and-signing).
 */

export interface EspayDeps {
  store: SimStore;
  book: PayBook;
  credentials: SimulatorCredentials["espay"];
  now: () => number;
}

export type EspayEndpoint = "inquiry" | "payment" | "status";

const COMMON = z.object({
  rq_uuid: z.string().min(1),
  rq_datetime: z.string(),
  sender_id: z.string(),
  password: z.string(),
  signature: z.string(),
});
const INQUIRY = COMMON.extend({ order_id: z.string(), product_code: z.string() });
const PAYMENT = INQUIRY.extend({ amount: z.string(), data: z.string().optional() });
const STATUS = COMMON.extend({ ref_id: z.string() });
/** A payment's `data` is the inquiry's data object, JSON-encoded; its reff_code finds the inquiry. */
const PAYMENT_DATA = z.object({ reff_code: z.string() });

type Common = z.infer<typeof COMMON>;

function basicAuthOk(header: string | undefined, credentials: EspayDeps["credentials"]): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (match?.[1] === undefined) return false;
  return Buffer.from(match[1], "base64").toString("utf8") === `${credentials.basicUser}:${credentials.basicPassword}`;
}

function badForm(error: z.ZodError): Answer {
  return json(400, { error_code: "0400", error_desc: z.prettifyError(error) });
}

function ok(body: EspayAnswer): Answer {
  return json(200, body);
}

/** Sender, password and signature, then the uuid: a request is only "seen" once it is authentic. */
function admit(deps: EspayDeps, req: Common, signedValues: readonly string[]): Answer | null {
  const at = deps.now();
  if (req.sender_id !== deps.credentials.senderId || req.password !== deps.credentials.password) {
    return ok(espayError(req.rq_uuid, at, "0401", "Invalid sender_id or password"));
  }
  const expected = espaySignature([req.sender_id, ...signedValues, req.rq_uuid], deps.credentials.signatureKey);
  if (req.signature.toLowerCase() !== expected) return ok(espayError(req.rq_uuid, at, "0401", "Invalid signature"));
  if (!deps.store.rememberUuid(req.rq_uuid, at)) return ok(espayError(req.rq_uuid, at, 210, "UUID already exist"));
  return null;
}

function inquiry(deps: EspayDeps, req: z.infer<typeof INQUIRY>): Answer {
  const refused = admit(deps, req, [req.order_id, req.product_code]);
  if (refused !== null) return refused;
  const at = deps.now();
  if (req.product_code !== ESPAY_PRODUCT_CODE) return ok(espayError(req.rq_uuid, at, "405", "product denied"));
  const wrongNumber = espayError(req.rq_uuid, at, "0014", "NOMOR PELANGGAN SALAH", { order_id: req.order_id });
  if (!isValidCustomerNumber("bpjs-kesehatan", req.order_id)) return ok(wrongNumber);
  const scenario = scenarioFor(ESPAY_PRODUCT_CODE, req.order_id);
  switch (scenario.inquiry) {
    case "wrong_number":
      return ok(wrongNumber);
    case "already_paid":
      return ok(espayError(req.rq_uuid, at, "0088", "TAGIHAN SUDAH TERBAYAR", { order_id: req.order_id }));
    case "timeout":
      // No Espay code for a timeout is documented; a gateway timeout is what a client would meet.
      return json(504, "Gateway Timeout");
    case "ok":
      break;
  }
  const bill = espayBill(req.order_id);
  const row = deps.store.insertInquiry({
    protocol: "espay",
    ref: req.rq_uuid,
    productCode: ESPAY_PRODUCT_CODE,
    customerNumber: req.order_id,
    months: 1,
    inquiryRc: "0000",
    createdAt: at,
    billJson: JSON.stringify(bill),
    reffCode: bill.data.reff_code,
    payScenario: scenario.pay,
    cost: espayTotal(bill),
  });
  return ok(inquiryAnswer(req.rq_uuid, at, row));
}

function inquiryOfPayment(deps: EspayDeps, req: z.infer<typeof PAYMENT>): InquiryRow | undefined {
  // No usable data: fall back to the latest inquiry for the number, as a biller keyed on order_id would.
  const parsed = PAYMENT_DATA.safeParse(readJson(req.data ?? ""));
  const reffCode = parsed.success ? parsed.data.reff_code : undefined;
  const row = reffCode === undefined ? deps.store.latestEspayFor(req.order_id) : deps.store.byReffCode(reffCode);
  return row !== undefined && row.protocol === "espay" && row.customerNumber === req.order_id ? row : undefined;
}

function payment(deps: EspayDeps, req: z.infer<typeof PAYMENT>): Answer {
  const refused = admit(deps, req, [req.order_id, req.product_code, req.amount]);
  if (refused !== null) return refused;
  const at = deps.now();
  if (req.product_code !== ESPAY_PRODUCT_CODE) return ok(espayError(req.rq_uuid, at, "405", "product denied"));
  const row = inquiryOfPayment(deps, req);
  if (row === undefined) return ok(espayError(req.rq_uuid, at, "0404", "inquiry not found", { order_id: req.order_id }));
  const amountMatches = req.amount === storedEspayBill(row).amount;
  const { decision, row: after } = deps.book.pay(row.id, { sameWibDay: false, amountMatches });
  const ids = { order_id: after.customerNumber, ...(after.payRef === null ? {} : { ref_id: after.payRef }) };
  switch (decision) {
    case "success":
      return ok(
        espayError(req.rq_uuid, at, "0000", "Success", {
          ...ids,
          recon_ref: after.noref ?? "",
          amount: req.amount,
          data: paidData(after),
        }),
      );
    case "pending":
    case "in_process":
      // Espay's "0000" can mean "still in process": only error_desc tells (docs/providers.md#espay-in-process-answers).
      return ok(espayError(req.rq_uuid, at, "0000", "Inproses", { ...ids, amount: req.amount }));
    case "failed": {
      const { code, desc } = failureCode(after);
      return ok(espayError(req.rq_uuid, at, code, desc, ids));
    }
    case "already_paid":
      return ok(espayError(req.rq_uuid, at, "0088", "TAGIHAN SUDAH TERBAYAR", ids));
    case "invalid_amount":
      return ok(espayError(req.rq_uuid, at, "0093", "invalid amount", ids));
    case "deposit_low":
      return ok(espayError(req.rq_uuid, at, "0017", "saldo deposit tidak cukup", ids));
    case "expired":
      return ok(espayError(req.rq_uuid, at, "0004", "billing expired", ids));
  }
}

function status(deps: EspayDeps, req: z.infer<typeof STATUS>): Answer {
  const refused = admit(deps, req, [req.ref_id]);
  if (refused !== null) return refused;
  const at = deps.now();
  const found = deps.store.byPayRef(req.ref_id);
  if (found === undefined || found.protocol !== "espay" || found.payStatus === "none") {
    return ok(espayError(req.rq_uuid, at, "0404", "transaction not found"));
  }
  const row = deps.book.current(found);
  const tx = txStatus(row);
  return ok(
    espayError(req.rq_uuid, at, "0000", "Success", {
      ref_id: req.ref_id,
      order_id: row.customerNumber,
      amount: storedEspayBill(row).amount,
      tx_status: tx,
      recon_ref: row.noref ?? "",
      data: tx === "S" ? paidData(row) : storedEspayBill(row).data,
    }),
  );
}

export function handleEspay(deps: EspayDeps, endpoint: EspayEndpoint, authorization: string | undefined, rawBody: string): Answer {
  if (!basicAuthOk(authorization, deps.credentials)) {
    return json(401, { error_code: "0401", error_desc: "Unauthorized" }, { "www-authenticate": 'Basic realm="espay"' });
  }
  const form = Object.fromEntries(new URLSearchParams(rawBody));
  switch (endpoint) {
    case "inquiry": {
      const parsed = INQUIRY.safeParse(form);
      return parsed.success ? inquiry(deps, parsed.data) : badForm(parsed.error);
    }
    case "payment": {
      const parsed = PAYMENT.safeParse(form);
      return parsed.success ? payment(deps, parsed.data) : badForm(parsed.error);
    }
    case "status": {
      const parsed = STATUS.safeParse(form);
      return parsed.success ? status(deps, parsed.data) : badForm(parsed.error);
    }
  }
}
