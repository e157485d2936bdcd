import type { FaultReason, RejectReason } from "../port.ts";

/**
 * How an inquiry answer with this code is handled: a bill, a refusal, or a provider-side fault
 * (the router then tries the next provider).
 */
export type IakInquiryHandling = "success" | "rejected" | FaultReason;

/**
 * How a pay-pasca answer with this code is handled. "rejected" only where IAK refused the request
 * up front or the bill was already paid by someone else; everything else may have moved money and is
 * resolved through check status (docs/providers.md#iak-pay-answers).
 */
export type IakPayHandling = "success" | "rejected" | "pending";

export interface IakCode {
  meaning: string;
  /** How a refusal carrying this code reads: inquiry rejection, pay rejection, failed check status. */
  reason: RejectReason;
  inquiry: IakInquiryHandling;
  pay: IakPayHandling;
}

/** Every postpaid response code IAK documents (docs/providers.md#iak-response-codes). */
export const IAK_CODES: Readonly<Record<string, IakCode>> = {
  "00": { meaning: "PAYMENT / INQUIRY SUCCESS", reason: "failed", inquiry: "success", pay: "success" },
  "01": { meaning: "INVOICE HAS BEEN PAID", reason: "already_paid", inquiry: "rejected", pay: "rejected" },
  "02": { meaning: "BILL UNPAID", reason: "failed", inquiry: "rejected", pay: "pending" },
  "03": { meaning: "INVALID REF ID", reason: "config_error", inquiry: "rejected", pay: "rejected" },
  // IAK-WEB: inquiry and payment must happen on the same day; the cure is a fresh inquiry.
  "04": { meaning: "BILLING ID EXPIRED", reason: "expired", inquiry: "rejected", pay: "rejected" },
  // 05, 39 and 201 are IAK's own pending class: meaningless on an inquiry, so another provider may answer.
  "05": { meaning: "UNDEFINED ERROR", reason: "provider_error", inquiry: "maintenance", pay: "pending" },
  // IAK no longer knows the tr_id we pay with: like 04, only a new inquiry helps.
  "06": { meaning: "INQUIRY ID NOT FOUND", reason: "expired", inquiry: "rejected", pay: "rejected" },
  "07": { meaning: "TRANSACTION FAILED", reason: "failed", inquiry: "rejected", pay: "pending" },
  "08": { meaning: "BILLING ID BLOCKED", reason: "blocked", inquiry: "rejected", pay: "pending" },
  "09": { meaning: "INQUIRY FAILED", reason: "provider_error", inquiry: "rejected", pay: "pending" },
  "10": { meaning: "BILL IS NOT AVAILABLE", reason: "no_bill", inquiry: "rejected", pay: "pending" },
  "11": { meaning: "DUPLICATE REF ID", reason: "duplicate_ref", inquiry: "rejected", pay: "rejected" },
  "13": { meaning: "CUSTOMER NUMBER BLOCKED", reason: "blocked", inquiry: "rejected", pay: "pending" },
  "14": { meaning: "INCORRECT DESTINATION NUMBER", reason: "wrong_number", inquiry: "rejected", pay: "pending" },
  "15": { meaning: "NUMBER NOT SUPPORTED", reason: "wrong_number", inquiry: "rejected", pay: "pending" },
  "16": { meaning: "NUMBER DOESN'T MATCH OPERATOR", reason: "wrong_number", inquiry: "rejected", pay: "pending" },
  "17": { meaning: "BALANCE NOT ENOUGH", reason: "operator_deposit_low", inquiry: "rejected", pay: "rejected" },
  "20": { meaning: "PRODUCT UNREGISTERED", reason: "product_unavailable", inquiry: "rejected", pay: "rejected" },
  "30": { meaning: "PAY VIA COUNTER", reason: "pay_at_counter", inquiry: "rejected", pay: "pending" },
  "31": { meaning: "EXCEEDS MAX TOTAL BILL", reason: "failed", inquiry: "rejected", pay: "pending" },
  "32": { meaning: "MUST PAY ALL PERIODS", reason: "must_pay_all_periods", inquiry: "rejected", pay: "pending" },
  "33": { meaning: "CAN'T BE PROCESSED, TRY LATER", reason: "provider_error", inquiry: "maintenance", pay: "pending" },
  "34": { meaning: "BILL HAS BEEN PAID", reason: "already_paid", inquiry: "rejected", pay: "rejected" },
  "35": { meaning: "ANOTHER UNPAID ARREAR", reason: "failed", inquiry: "rejected", pay: "pending" },
  "36": { meaning: "EXCEEDING DUE DATE", reason: "failed", inquiry: "rejected", pay: "pending" },
  "37": { meaning: "PAYMENT FAILED", reason: "failed", inquiry: "rejected", pay: "pending" },
  "38": { meaning: "PAYMENT FAILED, DO ANOTHER REQUEST", reason: "failed", inquiry: "rejected", pay: "pending" },
  "39": { meaning: "PENDING / TRANSACTION IN PROCESS", reason: "provider_error", inquiry: "maintenance", pay: "pending" },
  // "All or one arrear already paid": someone else paid at least part of it; the payer is refunded.
  "40": { meaning: "REJECTED: ARREAR ALREADY PAID", reason: "already_paid", inquiry: "rejected", pay: "rejected" },
  "41": { meaning: "CAN'T BE PAID IN COUNTER", reason: "pay_at_counter", inquiry: "rejected", pay: "pending" },
  // A check-status answer ("pay never arrived"); handled by status(), never expected on inquiry or pay.
  "42": { meaning: "PAYMENT REQUEST NOT RECEIVED", reason: "provider_error", inquiry: "rejected", pay: "pending" },
  "91": { meaning: "DATABASE CONNECTION ERROR", reason: "provider_error", inquiry: "maintenance", pay: "pending" },
  "92": { meaning: "GENERAL ERROR", reason: "provider_error", inquiry: "maintenance", pay: "pending" },
  "93": { meaning: "INVALID AMOUNT", reason: "provider_error", inquiry: "rejected", pay: "pending" },
  "94": { meaning: "SERVICE HAS EXPIRED", reason: "failed", inquiry: "rejected", pay: "pending" },
  "100": { meaning: "INVALID SIGNATURE", reason: "config_error", inquiry: "rejected", pay: "rejected" },
  "101": { meaning: "INVALID COMMAND", reason: "config_error", inquiry: "rejected", pay: "rejected" },
  "102": { meaning: "INVALID IP ADDRESS", reason: "config_error", inquiry: "rejected", pay: "rejected" },
  // IAK calls 103 final ("you can try again"), but on a pay the biller may still have taken it.
  "103": { meaning: "TIMEOUT", reason: "provider_error", inquiry: "timeout", pay: "pending" },
  "105": { meaning: "MISC ERROR / BILLER SYSTEM ERROR", reason: "provider_error", inquiry: "maintenance", pay: "pending" },
  "106": { meaning: "PRODUCT TEMPORARILY OUT OF SERVICE", reason: "product_unavailable", inquiry: "rejected", pay: "pending" },
  "107": { meaning: "XML/BODY FORMAT ERROR", reason: "config_error", inquiry: "rejected", pay: "rejected" },
  "108": { meaning: "ID CAN'T BE USED FOR THIS PRODUCT", reason: "wrong_number", inquiry: "rejected", pay: "pending" },
  "109": { meaning: "SYSTEM CUT OFF", reason: "provider_error", inquiry: "maintenance", pay: "pending" },
  "110": { meaning: "SYSTEM UNDER MAINTENANCE", reason: "provider_error", inquiry: "maintenance", pay: "pending" },
  "117": { meaning: "PAGE NOT FOUND", reason: "config_error", inquiry: "rejected", pay: "rejected" },
  "118": { meaning: "ACCOUNT SUSPENDED", reason: "config_error", inquiry: "rejected", pay: "rejected" },
  "201": { meaning: "UNDEFINED RESPONSE CODE", reason: "provider_error", inquiry: "maintenance", pay: "pending" },
};

/** IAK's own pending class: a check status carrying one of these is still in process, whatever its `status`. */
export const IAK_PENDING_CODES: ReadonlySet<string> = new Set(["05", "39", "201"]);

export const IAK_SUCCESS_CODE = "00";
export const IAK_NOT_RECEIVED_CODE = "42";

export function lookupIakCode(rc: string): IakCode | undefined {
  return Object.hasOwn(IAK_CODES, rc) ? IAK_CODES[rc] : undefined;
}

/** An inquiry answer with a code missing from the table is a refusal IAK did not document. */
export function inquiryHandling(rc: string): { handling: IakInquiryHandling; reason: RejectReason } {
  const row = lookupIakCode(rc);
  return row ? { handling: row.inquiry, reason: row.reason } : { handling: "rejected", reason: "provider_error" };
}

/** Unknown codes on a pay are never final: money may have moved. */
export function payHandling(rc: string): { handling: IakPayHandling; reason: RejectReason } {
  const row = lookupIakCode(rc);
  return row ? { handling: row.pay, reason: row.reason } : { handling: "pending", reason: "failed" };
}

/** The reason a failed check status (status 2) reads as. */
export function failedReason(rc: string): RejectReason {
  return lookupIakCode(rc)?.reason ?? "failed";
}
