/**
 * Espay money comes in two shapes (docs/providers.md#espay-amounts):
 * - top-level `amount` / `bill_amount` / `admin_fee`: rupiah × 100 as an integer, no separator
 *   ("10500000" is Rp105.000), sometimes as a JSON number;
 * - values inside `data`: plain rupiah, as numbers or zero-padded strings ("000000125400").
 * Both are turned into integer rupiah here, once, and anything else is refused so the caller can
 * treat the body as bad rather than guess a price.
 */

/** At most 17 characters (the documented String(17)); also keeps the value a safe integer. */
const DIGITS = /^\d{1,17}$/;

function toNonNegativeInteger(value: string | number): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (!DIGITS.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * A top-level amount (rupiah × 100) as integer rupiah, or null when it is not a non-negative
 * integer or carries sen: Loket only handles whole rupiah, and BPJS bills are whole rupiah.
 */
export function centsToRupiah(value: string | number): number | null {
  const cents = toNonNegativeInteger(value);
  if (cents === null || cents % 100 !== 0) return null;
  return cents / 100;
}

/** A rupiah value from inside `data` as an integer, or null when it is not one. */
export function plainRupiah(value: string | number): number | null {
  return toNonNegativeInteger(value);
}
