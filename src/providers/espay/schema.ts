import { z } from "zod";
import { responseCodeSchema } from "../response-code.ts";
import { centsToRupiah, plainRupiah } from "./amount.ts";
import { readJson } from "../../shared/json.ts";

/**
 * Espay responses, validated once at the edge. The pages disagree with each other
 * (docs/providers.md#espay-error-codes), so the schemas accept every shape seen in public samples and nothing looser:
 * - `error_code` is "0000" or 405 (string or number): normalised to four characters;
 * - the message is `error_desc` on most pages, `error_message` on the BPJSKS one;
 * - `data` is an object, or the same object JSON-encoded.
 */

/**
 * "0000", 405, "210" → "0000", "0405", "0210". Espay publishes no code list, so any length up to 8
 * digits is taken as a code; what is not digits at all is not.
 */
export const errorCodeSchema = responseCodeSchema(4, 8);

export type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `data` as an object; a JSON string holding an object is decoded. Anything else is a bad body. */
export const dataObjectSchema = z.unknown().transform((value, ctx): JsonObject => {
  if (isJsonObject(value)) return value;
  if (typeof value === "string") {
    const decoded = readJson(value);
    if (isJsonObject(decoded)) return decoded;
  }
  ctx.addIssue({ code: "custom", message: "data is not a JSON object" });
  return z.NEVER;
});

/**
 * A free-text field: kept when it is a string, dropped otherwise (it only ever feeds messages).
 * `.optional()` goes last: zod 4 makes an object key required unless its outermost schema is optional.
 */
const optionalText = z
  .unknown()
  .transform((v) => (typeof v === "string" && v.trim() !== "" ? v : undefined))
  .optional();

/** An identifier Espay may send as a string or a number (ref_id, recon_ref). */
const optionalId = z
  .unknown()
  .transform((v) => {
    if (typeof v === "string" && v.trim() !== "") return v;
    if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
    return undefined;
  })
  .optional();

/** Strings and numbers that are shown as text (bill_period, family_number). */
const textOrNumber = z.union([z.string(), z.number()]).transform((v) => String(v));

export interface CentsAmount {
  /** Exactly as Espay sent it, for echoing back (the payment signature covers it). */
  raw: string;
  rupiah: number;
}

/** A top-level amount (rupiah × 100). */
export const centsAmountSchema = z.union([z.string(), z.number()]).transform((value, ctx): CentsAmount => {
  const rupiah = centsToRupiah(value);
  if (rupiah === null) {
    ctx.addIssue({ code: "custom", message: "amount is not a whole-rupiah integer × 100" });
    return z.NEVER;
  }
  return { raw: String(value), rupiah };
});

/** A rupiah amount inside `data`. */
export const plainRupiahSchema = z.union([z.string(), z.number()]).transform((value, ctx): number => {
  const rupiah = plainRupiah(value);
  if (rupiah === null) {
    ctx.addIssue({ code: "custom", message: "rupiah value is not a non-negative integer" });
    return z.NEVER;
  }
  return rupiah;
});

/** What every answer carries. Read first, so an error answer never fails on its other fields. */
export const envelopeSchema = z.looseObject({
  error_code: errorCodeSchema,
  error_desc: optionalText,
  error_message: optionalText,
  description: optionalText,
  rq_uuid: optionalText,
  rs_datetime: optionalText,
  ref_id: optionalId,
});
export type Envelope = z.output<typeof envelopeSchema>;

/** The provider's words: `error_desc`, or `error_message` on the BPJSKS page. */
export function envelopeMessage(envelope: Envelope): string | undefined {
  return envelope.error_desc ?? envelope.error_message;
}

/** A successful inquiry: `data` is kept raw (payment echoes it), its fields are read separately. */
export const inquirySuccessSchema = z.looseObject({
  amount: centsAmountSchema,
  bill_amount: centsAmountSchema.nullish(),
  admin_fee: centsAmountSchema.nullish(),
  data: dataObjectSchema,
});

/** BPJSKS inquiry `data` (docs/providers.md#espay-bpjsks-data). */
export const inquiryDataSchema = z.looseObject({
  customer_name: z.string().trim().min(1),
  bill_period: textOrNumber.nullish(),
  branch_name: z.string().nullish(),
  family_number: textOrNumber.nullish(),
  bill_amount: plainRupiahSchema.nullish(),
  admin_fee: plainRupiahSchema.nullish(),
});

/** BPJSKS payment (and, by our assumption, status) `data`: only the receipt fields we show. */
export const receiptDataSchema = z.looseObject({
  reff: optionalId,
  customer_name: optionalText,
  bill_period: textOrNumber.nullish(),
  catatan: optionalText,
  message: optionalText,
});

/** A `0000` payment or status answer. The price fields are optional: the BPJSKS pay sample has none. */
export const receiptAnswerSchema = z.looseObject({
  ref_id: optionalId,
  recon_ref: optionalId,
  rs_datetime: optionalText,
  amount: centsAmountSchema.nullish(),
  data: dataObjectSchema.pipe(receiptDataSchema).nullish(),
});
export type ReceiptAnswer = z.output<typeof receiptAnswerSchema>;

/** What payment needs from the inquiry, stored by the engine as the opaque payToken. */
export const payTokenSchema = z.object({
  amount: z.string().regex(/^\d{1,17}$/),
  data: z.record(z.string(), z.unknown()),
});
export type PayToken = z.output<typeof payTokenSchema>;
