import { z } from "zod";

/**
 * Midtrans Core API answers, read leniently: null fields are omitted and new fields may appear
 * (docs/gateway.md#answers), so everything but `status_code` is optional here and each use checks
 * what it needs. `status_code` is a string in every documented answer; a number is accepted and
 * read as its digits.
 */

const code = z.union([z.string(), z.number().int()]).transform((v) => String(v).trim());
const text = z.string().nullish();

const ACTION = z.looseObject({ name: z.string(), method: z.string().nullish(), url: z.string() });
const VA_NUMBER = z.looseObject({ bank: z.string(), va_number: z.string() });

/** Fields every answer of /v2/charge, /v2/{id}/status, /cancel and /expire may carry. */
export const midtransAnswerSchema = z.looseObject({
  status_code: code,
  status_message: text,
  transaction_id: text,
  order_id: text,
  gross_amount: text,
  transaction_status: text,
  fraud_status: text,
  settlement_time: text,
});
export type MidtransAnswer = z.infer<typeof midtransAnswerSchema>;

/** What a created QRIS or VA charge adds (docs/gateway.md#qris-charge, #va-charge). */
export const chargeExtrasSchema = z.looseObject({
  qr_string: text,
  actions: z.array(ACTION).nullish(),
  va_numbers: z.array(VA_NUMBER).nullish(),
  permata_va_number: text,
});
export type ChargeExtras = z.infer<typeof chargeExtrasSchema>;

/** The request body of POST /v2/charge, as we send it (docs/gateway.md#charge-body). */
export interface ChargeBody {
  payment_type: "qris" | "bank_transfer";
  transaction_details: { order_id: string; gross_amount: number };
  bank_transfer?: { bank: "bca" | "bni" | "bri" | "permata" };
  custom_expiry: { order_time: string; expiry_duration: number; unit: "minute" };
}
