import { createHmac, timingSafeEqual } from "node:crypto";

const HEADER = /^sha256=([0-9a-f]{64})$/i;

/** `sha256=<hex>`: HMAC-SHA256 of the body's bytes, keyed with the app secret (what Meta sends). */
export function signatureOf(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

/**
 * Checks Meta's `X-Hub-Signature-256` over the **raw** body bytes (docs/whatsapp-cloud.md#webhook):
 * re-serialised JSON differs from what Meta signed (it escapes non-ASCII as \uXXXX). A missing or
 * malformed header fails; the comparison takes the same time however much of it matches.
 */
export function verifySignature(rawBody: Uint8Array, header: string | undefined, appSecret: string): boolean {
  if (header === undefined) return false;
  const m = HEADER.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1]!.toLowerCase(), "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
