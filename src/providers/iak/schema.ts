import { z } from "zod";
import { responseCodeSchema } from "../response-code.ts";

/*
 * IAK's documented types drift between its tables, examples and products (docs/providers.md#iak-type-drift):
 * numbers arrive as strings, tr_id as either, `desc` as an object or "" (PHP's empty value, or `[]`),
 * jumlah_peserta as string or number. These schemas accept the drift and hand back one shape.
 */

/** A whole, non-negative rupiah amount; "50000" and "50000.00" are accepted, 500.5 and "" are not. */
export const rupiahSchema = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d+(\.0+)?$/)
      .transform(Number),
  ])
  .pipe(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER));

const optionalRupiahSchema = rupiahSchema.nullish().transform((v) => v ?? undefined);

/** Free text that may come as a number (period "02" vs 2, jumlah_peserta "2" vs 2). */
const textSchema = z.union([z.string(), z.number()]).transform(String);

/** Optional text; "" and null mean absent (IAK sends `"noref": ""`, `"nama_cabang": ""`). */
const optionalTextSchema = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => {
    if (v === null || v === undefined) return undefined;
    const s = String(v).trim();
    return s === "" ? undefined : s;
  });

/** Response codes are strings ("00") but a number (0, 103) would mean the same; IAK's are 2–3 digits. */
const rcSchema = responseCodeSchema(2, 3);

/** IAK's inquiry id: an integer in the docs, a string in the request examples. */
const trIdSchema = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().trim().regex(/^\d+$/)]).transform(String);

/** `desc` is an object, or "" / [] when empty (IAK-WEB check-status note); only what a Bill uses is read. */
const descSchema = z
  .unknown()
  .transform((v): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {}))
  .pipe(
    z.looseObject({
      nama_cabang: optionalTextSchema,
      kantor_cabang: optionalTextSchema,
      jumlah_peserta: optionalTextSchema,
    }),
  );

/** `status` of a check-status answer: an integer, maybe a string; anything else counts as not given. */
const checkStatusSchema = z
  .union([z.number().int(), z.string().trim().regex(/^\d+$/).transform(Number)])
  .optional()
  .catch(undefined);

/**
 * The `{data: {...}, meta: []}` envelope, on HTTP 200 and on HTTP 400 alike. Only the code and message
 * are required here: refusals often carry no bill fields.
 */
export const envelopeSchema = z.object({
  data: z.looseObject({
    response_code: rcSchema,
    message: optionalTextSchema,
    ref_id: optionalTextSchema,
    tr_id: trIdSchema.optional().catch(undefined),
    status: checkStatusSchema,
  }),
});
export type IakEnvelopeData = z.infer<typeof envelopeSchema>["data"];

/** An inquiry answered 00: everything a Bill needs must be present and sound. */
export const inquiryBillSchema = z.looseObject({
  tr_id: trIdSchema,
  tr_name: textSchema,
  period: textSchema,
  nominal: rupiahSchema,
  admin: rupiahSchema,
  price: rupiahSchema,
  selling_price: optionalRupiahSchema,
  month: z.union([z.number(), z.string()]).optional(),
  desc: descSchema,
});
export type IakInquiryBill = z.infer<typeof inquiryBillSchema>;

/** A pay answered 00, or a check status 1: the receipt fields, each optional but sound when present. */
export const receiptSchema = z.looseObject({
  datetime: optionalTextSchema,
  noref: optionalTextSchema,
  tr_name: optionalTextSchema,
  period: optionalTextSchema,
  price: optionalRupiahSchema,
  selling_price: optionalRupiahSchema,
  // Only feeds low-deposit alerts: an odd value is dropped rather than failing a paid receipt.
  balance: optionalRupiahSchema.catch(undefined),
});
export type IakReceipt = z.infer<typeof receiptSchema>;

/** pricelist-pasca items. `fee` and `komisi` are documented as Double, so fractions are allowed. */
export const priceListItemSchema = z.object({
  code: z.string(),
  name: z.string(),
  status: z.union([z.number().int(), z.string().trim().regex(/^\d+$/).transform(Number)]),
  fee: z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^\d+(\.\d+)?$/)
        .transform(Number),
    ])
    .pipe(z.number().nonnegative()),
  komisi: z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^\d+(\.\d+)?$/)
        .transform(Number),
    ])
    .pipe(z.number().nonnegative()),
  type: optionalTextSchema,
  category: optionalTextSchema,
});
export type IakPriceListItem = z.infer<typeof priceListItemSchema>;

export const priceListSchema = z.object({
  data: z.object({ pasca: z.array(priceListItemSchema) }),
});
