import { randomCode } from "../ref.ts";

/**
 * Our top-up order id: `LT` + 12 random characters of Crockford's base32 — short enough to read out
 * to support, within Midtrans' rule (at most 50 characters of [A-Za-z0-9-_~.]), and never reused:
 * a gateway refuses an order id it has seen paid.
 */
export function mintOrderId(): string {
  return `LT${randomCode(12)}`;
}

export function looksLikeOrderId(text: string): boolean {
  return /^LT[0-9A-Z]{12}$/.test(text);
}
