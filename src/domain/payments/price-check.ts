/**
 * What a provider reports it charged is booked only when it is a plausible bill (docs/money.md):
 * a whole, positive number of rupiah, no more than the inquired price plus a small tolerance
 * (a biller's fee changing between inquiry and payment). Anything else — zero, negative,
 * missing, inflated — is not a fact to book: a person looks at the payment.
 */
export type PriceVerdict = { ok: true; price: number } | { ok: false; problem: "missing" | "not_positive" | "too_high" };

/** Rp2.500 or 1 % of the bill, whichever is more. */
export function priceTolerance(inquired: number): number {
  return Math.max(2_500, Math.ceil(inquired / 100));
}

export function judgeReportedPrice(reported: number | undefined, inquired: number): PriceVerdict {
  if (reported === undefined || !Number.isFinite(reported)) return { ok: false, problem: "missing" };
  if (!Number.isSafeInteger(reported) || reported <= 0) return { ok: false, problem: "not_positive" };
  if (reported > inquired + priceTolerance(inquired)) return { ok: false, problem: "too_high" };
  return { ok: true, price: reported };
}
