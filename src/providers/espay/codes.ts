import type { FaultReason, InquiryOutcome, PayOutcome, RejectReason } from "../port.ts";

/**
 * Espay error codes → our outcomes, in one place. Espay publishes no full list
 * (docs/providers.md#espay-error-codes), so only the codes seen in public material are named; every
 * other code is a refusal on inquiry (money cannot move there) and UNKNOWN on payment (money may
 * have moved).
 * Codes arrive normalised to four characters by schema.ts ("405" → "0405").
 */

export const SUCCESS_CODE = "0000";

/** Inquiry codes meaning "Espay cannot serve this now": the router tries the next provider. */
const INQUIRY_UNAVAILABLE: ReadonlyMap<string, FaultReason> = new Map<string, FaultReason>([
  // "Rejected, Communication error", from a developer's sandbox note (UNCERTAIN).
  ["0031", "network"],
  // A public client waits five minutes on it: a throttle on repeats for one order (UNCERTAIN).
  ["0610", "maintenance"],
  // "UUID already exist": our rq_uuid collided. Nothing is wrong with the bill; another try elsewhere is fine.
  ["0210", "maintenance"],
]);

const INQUIRY_REJECTED: ReadonlyMap<string, RejectReason> = new Map<string, RejectReason>([
  // "product denied": BPJSKS is not enabled for this sender_id.
  ["0405", "product_unavailable"],
]);

/** Payment codes that refuse the request up front, before any money can have moved. */
const PAY_REJECTED: ReadonlyMap<string, RejectReason> = new Map<string, RejectReason>([
  ["0405", "product_unavailable"],
  // Our rq_uuid was already used, so Espay refused this request as a whole; it did not take money.
  ["0210", "duplicate_ref"],
]);

export function inquiryFailure(code: string, message: string | undefined): InquiryOutcome {
  const fault = INQUIRY_UNAVAILABLE.get(code);
  if (fault !== undefined) return { status: "unavailable", fault, code, ...(message !== undefined && { message }) };
  const reason = INQUIRY_REJECTED.get(code) ?? "provider_error";
  return { status: "rejected", reason, code, ...(message !== undefined && { message }) };
}

/** A non-0000 payment answer: refused up front, or unknown (resolved later with the ref_id). */
export function payFailure(code: string, message: string | undefined, statusKey: string | null): PayOutcome {
  const reason = PAY_REJECTED.get(code);
  if (reason !== undefined) return { status: "rejected", reason, code, ...(message !== undefined && { message }) };
  return { status: "pending", statusKey, code, ...(message !== undefined && { message }) };
}

/**
 * A legacy Espay example answers a payment with `0000` and `error_desc: "Inproses"`: the code alone
 * does not mean paid. Any of these words in any message field keeps the payment pending.
 */
const IN_PROCESS = /\bin\s*-?\s*pro[sc]e(s|ss)|pending|dalam\s+proses|sedang\s+diproses|suspect/i;

export function saysInProcess(texts: readonly (string | undefined)[]): boolean {
  return texts.some((t) => t !== undefined && IN_PROCESS.test(t));
}

/**
 * ASSUMPTION, pending Espay's answer (docs/providers.md#espay-status-call: the
 * `gettransactioninfo` response fields are not public). We look for a status in any of `tx_status`, `status`, `trx_status`,
 * `payment_status`, at the top level or inside `data`, and only act on values that say one thing
 * plainly. Loket's simulator speaks this shape: `tx_status` "S" | "F" | "P" at the top level.
 */
export const STATUS_FIELDS = ["tx_status", "status", "trx_status", "payment_status"] as const;

const SUCCESS_VALUES = new Set(["S", "SUCCESS", "SUKSES", "BERHASIL", "PAID", "LUNAS", "00"]);
const FAILED_VALUES = new Set(["F", "FAIL", "FAILED", "FAILURE", "GAGAL"]);
/** Only an explicit "never got it" value; see the client for why a "not found" error is not enough. */
const NOT_RECEIVED_VALUES = new Set(["NOT_FOUND", "NOT FOUND", "NOTFOUND", "NOT_RECEIVED", "NOT RECEIVED"]);

export type StatusVerdict = "success" | "failed" | "not_received" | "pending";

function verdictOf(value: unknown): StatusVerdict {
  if (typeof value !== "string" && typeof value !== "number") return "pending";
  const v = String(value).trim().toUpperCase();
  if (SUCCESS_VALUES.has(v)) return "success";
  if (FAILED_VALUES.has(v)) return "failed";
  if (NOT_RECEIVED_VALUES.has(v)) return "not_received";
  return "pending";
}

/**
 * One verdict from every status value found. Values that disagree, or none at all, are pending:
 * a wrong "success" loses the operator money and a wrong "failed" refunds a paid bill.
 */
export function statusVerdict(values: readonly unknown[]): StatusVerdict {
  if (values.length === 0) return "pending";
  const verdicts = new Set(values.map(verdictOf));
  if (verdicts.size !== 1) return "pending";
  const [only] = verdicts;
  return only ?? "pending";
}
