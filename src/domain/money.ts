/** Every amount is an integer number of rupiah; this is the one way money is written for people. */
export function formatRupiah(amount: number): string {
  if (!Number.isSafeInteger(amount)) throw new Error(`not an integer rupiah amount: ${amount}`);
  const sign = amount < 0 ? "-" : "";
  const digits = String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${sign}Rp${digits}`;
}

/**
 * Reads an amount the way Indonesians type it: `50000`, `50.000`, `Rp50.000`, `50rb`, `50 ribu`,
 * `50k`, `1,5jt`, `2 juta`. Returns null for anything else (it never guesses). An optional leading
 * sign is allowed only when `signed` is set (corrections).
 */
export function parseRupiah(input: string, options: { signed?: boolean } = {}): number | null {
  let text = input.trim().toLowerCase().replace(/\s+/g, "");
  let sign = 1;
  if (options.signed && (text.startsWith("+") || text.startsWith("-"))) {
    sign = text.startsWith("-") ? -1 : 1;
    text = text.slice(1);
  }
  text = text.replace(/^rp\.?/, "");
  const m = /^(\d+(?:[.,]\d+)*)(rb|ribu|k|jt|juta)?$/.exec(text);
  if (!m || m[1] === undefined) return null;
  const numberPart = m[1];
  const unit = m[2];
  let value: number;
  if (unit === undefined) {
    // Without a unit, dots and commas are thousands separators ("50.000"); each group must be 3 digits.
    if (!/^\d{1,3}([.,]\d{3})*$/.test(numberPart) && !/^\d+$/.test(numberPart)) return null;
    value = Number(numberPart.replace(/[.,]/g, ""));
  } else {
    // With a unit a comma (or dot) may be a decimal point: "1,5jt" is 1.500.000.
    const decimal = /^\d+([.,]\d+)?$/.test(numberPart) ? Number(numberPart.replace(",", ".")) : NaN;
    const factor = unit === "jt" || unit === "juta" ? 1_000_000 : 1_000;
    value = Math.round(decimal * factor * 1000) / 1000;
  }
  if (!Number.isSafeInteger(value) || value <= 0) return null;
  return sign * value;
}
