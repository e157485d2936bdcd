import { iakDateTime } from "../../domain/wib-time.ts";
import { ESPAY_BILL, type EspayBill } from "./bills.ts";
import type { InquiryRow } from "./store.ts";

/** Builds Espay biller answers from a stored inquiry (docs/providers.md#espay-biller). */

export const ESPAY_RECEIPT_NOTE = "BPJS KESEHATAN MENYATAKAN STRUK INI SEBAGAI BUKTI PEMBAYARAN YANG SAH";
const ESPAY_PAY_MESSAGE = "SEGERA DAFTARKAN AUTODEBIT IURAN JKN ! MUDAH, AMAN, TEPAT WAKTU, PRAKTIS";

export type EspayAnswer = Record<string, unknown>;

/** `YYYY-MM-DD HH:MM:SS` in WIB. */
export function espayDateTime(epochMs: number): string {
  const s = iakDateTime(epochMs);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}`;
}

/**
 * error_code is a string here; the duplicate-uuid answer passes a number on purpose, because Espay
 * mixes both (docs/providers.md#espay-error-codes) and clients must cope.
 */
export function espayError(rqUuid: string, now: number, errorCode: string | number, errorDesc: string, extra: EspayAnswer = {}): EspayAnswer {
  return { rq_uuid: rqUuid, rs_datetime: espayDateTime(now), error_code: errorCode, error_desc: errorDesc, ...extra };
}

export function storedEspayBill(row: InquiryRow): EspayBill {
  if (row.billJson === null) throw new Error(`espay inquiry ${row.id} has no bill`);
  return ESPAY_BILL.parse(JSON.parse(row.billJson));
}

export function inquiryAnswer(rqUuid: string, now: number, row: InquiryRow): EspayAnswer {
  const bill = storedEspayBill(row);
  return {
    rq_uuid: rqUuid,
    rs_datetime: espayDateTime(now),
    // The BPJSKS sample names it error_message; the payment answers use error_desc.
    error_code: "0000",
    error_message: "Success",
    order_id: row.customerNumber,
    amount: bill.amount,
    bill_amount: bill.bill_amount,
    admin_fee: bill.admin_fee,
    description: bill.description,
    data: bill.data,
  };
}

/** The receipt data of a successful payment, shaped like the BPJSKS payment sample. */
export function paidData(row: InquiryRow): EspayAnswer {
  const { data } = storedEspayBill(row);
  return {
    reff: row.noref ?? "",
    va_number: data.va_number,
    customer_id: data.customer_id,
    customer_name: data.customer_name,
    family_number: data.family_number,
    remain_payment: data.remain_payment,
    bill_period: data.bill_period,
    bill_amount: data.bill_amount,
    catatan: ESPAY_RECEIPT_NOTE,
    admin_fee: data.admin_fee,
    amount: data.amount,
    message: ESPAY_PAY_MESSAGE,
  };
}

export function txStatus(row: InquiryRow): "S" | "F" | "P" {
  return row.payStatus === "success" ? "S" : row.payStatus === "failed" ? "F" : "P";
}

export function failureCode(row: InquiryRow): { code: string; desc: string } {
  return row.failReason === "biller_error" ? { code: "0105", desc: "BILLER SYSTEM ERROR" } : { code: "0037", desc: "PAYMENT FAILED" };
}
