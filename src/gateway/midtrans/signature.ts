import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { isGatewayOrderId } from "../order-id.ts";

/**
 * Midtrans signs a notification (and a status answer) with
 * SHA-512(order_id + status_code + gross_amount + server key), lowercase hex
 * (docs/gateway.md#signature). The three fields are hashed as the strings received: "10000.00"
 * and "10000" give different hashes, so nothing is parsed or reformatted before hashing.
 */
export function midtransSignature(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return createHash("sha512").update(`${orderId}${statusCode}${grossAmount}${serverKey}`, "utf8").digest("hex");
}

/** Only the shape is checked here; the strings stay exactly as they arrived. */
const SIGNED_FIELDS = z.object({
  order_id: z.string().refine(isGatewayOrderId),
  status_code: z.string().regex(/^\d{3}$/),
  gross_amount: z.string().regex(/^\d{1,20}(\.\d{1,4})?$/),
  signature_key: z.string().regex(/^[0-9a-fA-F]{128}$/),
});

export type SignatureCheck = { valid: true; orderId: string } | { valid: false };

/**
 * Whether a parsed notification body carries a valid signature for `serverKey`. Any missing or
 * non-string field is invalid. Compared in constant time on the 64 digest bytes.
 */
export function verifyMidtransSignature(body: unknown, serverKey: string): SignatureCheck {
  if (serverKey === "") return { valid: false };
  const parsed = SIGNED_FIELDS.safeParse(body);
  if (!parsed.success) return { valid: false };
  const { order_id, status_code, gross_amount, signature_key } = parsed.data;
  const expected = Buffer.from(midtransSignature(order_id, status_code, gross_amount, serverKey), "hex");
  const given = Buffer.from(signature_key, "hex");
  if (given.length !== expected.length) return { valid: false };
  return timingSafeEqual(given, expected) ? { valid: true, orderId: order_id } : { valid: false };
}
