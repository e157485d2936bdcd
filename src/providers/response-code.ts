import { z } from "zod";

/**
 * A provider's response code, read the same way for IAK ("00", 103) and Espay ("0000", 405): digits
 * in a string, or a non-negative integer, padded to the provider's width. Both providers send codes
 * either way (docs/providers.md#reading-response-codes), so padding is needed; but padding must never invent a code.
 * Padding "" or " " gives the success code, so a blank, whitespace-only, signed, fractional or
 * non-numeric code ("-1", 0.5, "0 0", "abc") fails here, and the answer is a malformed body: pending on
 * a pay, never "paid".
 */
export function responseCodeSchema(width: number, maxLength: number) {
  return z
    .union([z.string().trim().regex(/^\d+$/, "a response code is digits"), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String)])
    .transform((code) => code.padStart(width, "0"))
    .pipe(z.string().max(maxLength, "response code too long"));
}
