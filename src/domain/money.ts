/** Every amount is an integer number of rupiah; this is the one way money is written for people. */
export function formatRupiah(amount: number): string {
  if (!Number.isSafeInteger(amount)) throw new Error(`not an integer rupiah amount: ${amount}`);
  const sign = amount < 0 ? "-" : "";
  const digits = String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${sign}Rp${digits}`;
}

/** Why a typed amount was refused: the caller says "ambiguous, write 2.500 or 2,5rb" or "not an amount". */
export type AmountProblem = "ambiguous" | "not_a_number" | "not_whole" | "not_positive" | "too_large";

export type AmountReading = { ok: true; amount: number } | { ok: false; problem: AmountProblem };

const UNIT_DIGITS: Readonly<Record<string, number>> = { rb: 3, ribu: 3, k: 3, jt: 6, juta: 6 };

/**
 * `[sign] [Rp|Rp.] number [unit]`, spaces allowed between the parts but not inside the number. The
 * whole part is plain digits or dot-grouped thousands (every group exactly 3 digits); a comma starts
 * the decimals.
 */
const AMOUNT = /^([+-])?\s*(?:rp\.?)?\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*(rb|ribu|k|jt|juta)?$/;

/**
 * Reads an amount the way Indonesians write it: `.` groups thousands (`50.000`, `1.500.000`), `,` is
 * the decimal mark (`1,5jt`), and `rb`/`ribu`/`k` (×1.000) and `jt`/`juta` (×1.000.000) apply to the
 * whole number (`1.500rb` is Rp1.500.000, `2,5rb` is Rp2.500). It never guesses: a comma without a
 * unit (`2,500`: two thousand five hundred, or two and a half?) is ambiguous, and an amount that is
 * not a whole rupiah (`1,0005rb`) is refused. An optional leading sign is allowed only when `signed`
 * is set (corrections). Integer arithmetic throughout: no float ever holds money.
 */
export function readRupiah(input: string, options: { signed?: boolean } = {}): AmountReading {
  const m = AMOUNT.exec(input.trim().toLowerCase());
  const whole = m?.[2];
  if (!m || whole === undefined) return { ok: false, problem: "not_a_number" };
  const [, sign, , decimals, unit] = m;
  if (sign !== undefined && !options.signed) return { ok: false, problem: sign === "-" ? "not_positive" : "not_a_number" };
  const unitDigits = unit === undefined ? 0 : (UNIT_DIGITS[unit] ?? 0);
  if (decimals !== undefined && unit === undefined) return { ok: false, problem: "ambiguous" };

  let fraction = decimals ?? "";
  if (fraction.length > unitDigits) {
    if (/[^0]/.test(fraction.slice(unitDigits))) return { ok: false, problem: "not_whole" };
    fraction = fraction.slice(0, unitDigits);
  }
  const digits = `${whole.replace(/\./g, "")}${fraction.padEnd(unitDigits, "0")}`;
  const value = BigInt(digits);
  if (value === 0n) return { ok: false, problem: "not_positive" };
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, problem: "too_large" };
  return { ok: true, amount: (sign === "-" ? -1 : 1) * Number(value) };
}

/**
 * For an amount refused as ambiguous: the whole part when the comma can only be a decimal mark —
 * after dot-grouped thousands (`10.000.000,00`) — so the hint can say "write 10.000.000" rather than
 * the `2,500` example; null for a truly ambiguous `2,500`.
 */
export function wholeBeforeDecimalComma(input: string): string | null {
  const m = AMOUNT.exec(input.trim().toLowerCase());
  if (!m || m[3] === undefined || m[4] !== undefined || !m[2]!.includes(".")) return null;
  return `${m[1] === "-" ? "-" : ""}${m[2]!}`;
}

/** readRupiah for callers that only need the amount: null when it was refused, for whatever reason. */
export function parseRupiah(input: string, options: { signed?: boolean } = {}): number | null {
  const reading = readRupiah(input, options);
  return reading.ok ? reading.amount : null;
}
