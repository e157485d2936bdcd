import { formatGrossAmount } from "../midtrans/amount.ts";
import { bankOf } from "../midtrans/charge-body.ts";
import { midtransDateTime } from "../midtrans/date-time.ts";
import { midtransSignature } from "../midtrans/signature.ts";
import { GATEWAY_SIMULATOR_MERCHANT } from "./credentials.ts";
import type { SimOrderRow, SimTxStatus } from "./store.ts";

/**
 * Midtrans Core API bodies built from a stored transaction, shaped after Midtrans' own samples
 * (docs/gateway.md#simulator): charge, status, cancel and expire answers, and notifications.
 */

export type Body = Record<string, unknown>;

/** status_code as a status answer carries it; 407 for an expired order, as Midtrans answers. */
const STATUS_ANSWER_CODE: Readonly<Record<SimTxStatus, string>> = {
  pending: "201",
  settlement: "200",
  expire: "407",
  cancel: "200",
  deny: "202",
};

/** status_code as a notification carries it; 202 for expire is what Midtrans' own samples show. */
const NOTIFICATION_CODE: Readonly<Record<SimTxStatus, string>> = {
  pending: "201",
  settlement: "200",
  expire: "202",
  cancel: "202",
  deny: "202",
};

function paymentType(row: SimOrderRow): string {
  return row.method === "qris" ? "qris" : "bank_transfer";
}

function common(row: SimOrderRow, status: SimTxStatus): Body {
  return {
    transaction_id: row.transactionId,
    order_id: row.orderId,
    merchant_id: GATEWAY_SIMULATOR_MERCHANT.id,
    gross_amount: formatGrossAmount(row.grossAmount),
    currency: "IDR",
    payment_type: paymentType(row),
    transaction_time: midtransDateTime(row.createdAt),
    transaction_status: status,
    fraud_status: "accept",
    expiry_time: midtransDateTime(row.expiresAt),
  };
}

/** QRIS: acquirer (and issuer once paid); BCA/BNI/BRI: va_numbers[]; Permata: permata_va_number. */
function methodFields(row: SimOrderRow, settledAt: number | null): Body {
  if (row.method === "qris") {
    return settledAt === null ? { acquirer: "gopay" } : { acquirer: "gopay", issuer: "gopay", transaction_type: "on-us" };
  }
  const bank = bankOf(row.method);
  const number = row.vaNumber ?? "";
  if (bank === "permata") return { permata_va_number: number };
  const paid = settledAt === null ? {} : { payment_amounts: [{ paid_at: midtransDateTime(settledAt), amount: formatGrossAmount(row.grossAmount) }] };
  return { va_numbers: [{ bank, va_number: number }], ...paid };
}

function settlement(row: SimOrderRow): Body {
  return row.settledAt === null ? {} : { settlement_time: midtransDateTime(row.settledAt) };
}

export function chargeAnswer(row: SimOrderRow, baseUrl: string): Body {
  const head = { status_code: "201" };
  if (row.method === "qris") {
    return {
      ...head,
      status_message: "QRIS transaction is created",
      ...common(row, "pending"),
      actions: [{ name: "generate-qr-code", method: "GET", url: `${baseUrl}/v2/qris/${row.transactionId}/qr-code` }],
      qr_string: row.qrString,
      ...methodFields(row, null),
    };
  }
  const message = row.method === "permata_va" ? "Success, PERMATA VA transaction is successful" : "Success, Bank Transfer transaction is created";
  return { ...head, status_message: message, ...common(row, "pending"), ...methodFields(row, null) };
}

export function statusAnswer(row: SimOrderRow, serverKey: string): Body {
  const code = STATUS_ANSWER_CODE[row.status];
  const gross = formatGrossAmount(row.grossAmount);
  return {
    status_code: code,
    status_message: "Success, transaction is found",
    ...common(row, row.status),
    ...settlement(row),
    ...methodFields(row, row.settledAt),
    signature_key: midtransSignature(row.orderId, code, gross, serverKey),
  };
}

export function cancelAnswer(row: SimOrderRow): Body {
  return { status_code: "200", status_message: "Success, transaction is canceled", ...common(row, "cancel") };
}

export function expireAnswer(row: SimOrderRow): Body {
  return { status_code: "407", status_message: "Success, transaction has expired", ...common(row, "expire") };
}

/**
 * A notification for the row as it stands. `forgedWith` signs with another key and claims a
 * settlement the order never had: what an attacker without the server key can send.
 */
export function notificationBody(row: SimOrderRow, at: number, serverKey: string, forgedWith?: string): Body {
  const status: SimTxStatus = forgedWith === undefined ? row.status : "settlement";
  const settledAt = forgedWith === undefined ? row.settledAt : at;
  const code = NOTIFICATION_CODE[status];
  const gross = formatGrossAmount(row.grossAmount);
  const { transaction_id, order_id, merchant_id, gross_amount, currency, payment_type, fraud_status, expiry_time } = common(row, status);
  return {
    transaction_time: midtransDateTime(row.createdAt),
    transaction_status: status,
    transaction_id,
    status_message: "midtrans payment notification",
    status_code: code,
    signature_key: midtransSignature(row.orderId, code, gross, forgedWith ?? serverKey),
    ...(settledAt === null ? {} : { settlement_time: midtransDateTime(settledAt) }),
    payment_type,
    order_id,
    merchant_id,
    gross_amount,
    fraud_status,
    currency,
    expiry_time,
    ...methodFields(row, settledAt),
  };
}

export function errorAnswer(code: string, message: string, extra: Body = {}): Body {
  return { status_code: code, status_message: message, ...extra };
}
