import { iakDateTime } from "../../domain/wib-time.ts";
import { IAK_BILL, type IakBill } from "./bills.ts";
import { iakMessage, type IakRc } from "./iak-codes.ts";
import type { InquiryRow } from "./store.ts";

/** Builds IAK's `data` objects from a stored inquiry, so inquiry, pay and checkstatus agree field by field. */

/** tr_id is the row id offset into IAK-looking numbers: increasing, and stable across restarts. */
const TR_ID_BASE = 9_730_000;

export function trIdOf(row: InquiryRow): number {
  return TR_ID_BASE + row.id;
}

export function rowIdOfTrId(trId: number): number {
  return trId - TR_ID_BASE;
}

export type IakData = Record<string, unknown>;

export function envelope(data: IakData): { data: IakData; meta: [] } {
  return { data, meta: [] };
}

export function rcData(rc: IakRc, fields: IakData = {}): IakData {
  return { ...fields, response_code: rc, message: iakMessage(rc) };
}

export function storedBill(row: InquiryRow): IakBill | null {
  return row.billJson === null ? null : IAK_BILL.parse(JSON.parse(row.billJson));
}

/** The inquiry's fields; a failed inquiry (no bill) has only what identifies it. */
export function inquiryFields(row: InquiryRow): IakData {
  const bill = storedBill(row);
  const id = { code: row.productCode, hp: row.customerNumber, ref_id: row.ref };
  if (bill === null) return id;
  return {
    tr_id: trIdOf(row),
    code: row.productCode,
    hp: row.customerNumber,
    tr_name: bill.tr_name,
    period: bill.period,
    nominal: bill.nominal,
    admin: bill.admin,
    ref_id: row.ref,
    price: bill.price,
    selling_price: bill.selling_price,
    desc: bill.desc,
  };
}

/** Inquiry fields plus what a payment adds: datetime (YmdHis WIB), balance, noref. */
export function paymentFields(row: InquiryRow): IakData {
  const fields: IakData = { ...inquiryFields(row) };
  if (row.paidAt !== null) fields["datetime"] = iakDateTime(row.paidAt);
  if (row.balanceAfter !== null) fields["balance"] = row.balanceAfter;
  if (row.noref !== null) fields["noref"] = row.noref;
  return fields;
}

export function failureRc(row: InquiryRow): IakRc {
  return row.failReason === "biller_error" ? "105" : "37";
}

/** checkstatus: status 0 never paid (42), 1 paid (00), 2 failed (37/105), 3 in process (39). */
export function statusData(row: InquiryRow): IakData {
  switch (row.payStatus) {
    case "none":
      return { ...inquiryFields(row), status: 0, ...rcData("42") };
    case "pending":
      return { ...paymentFields(row), status: 3, ...rcData("39") };
    case "success":
      return { ...paymentFields(row), status: 1, response_code: "00", message: iakMessage("00", "PAYMENT") };
    case "failed":
      return { ...paymentFields(row), status: 2, ...rcData(failureRc(row)) };
  }
}
