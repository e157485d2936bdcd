/**
 * Western Indonesia Time (WIB, Asia/Jakarta) is UTC+7 all year: no daylight saving, so a fixed
 * offset is exact and needs no time-zone database.
 */
const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The WIB calendar day of an instant, as YYYY-MM-DD. */
export function wibDate(epochMs: number): string {
  return new Date(epochMs + WIB_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of the next 24:00 WIB after epochMs (the end of its WIB day). */
export function endOfWibDay(epochMs: number): number {
  const shifted = epochMs + WIB_OFFSET_MS;
  return shifted - (shifted % DAY_MS) + DAY_MS - WIB_OFFSET_MS;
}

/** The instant of 00:00 WIB of the day of epochMs. */
export function startOfWibDay(epochMs: number): number {
  return endOfWibDay(epochMs) - DAY_MS;
}

/** The first instant of the WIB month of epochMs. */
export function startOfWibMonth(epochMs: number): number {
  const d = new Date(epochMs + WIB_OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - WIB_OFFSET_MS;
}

/** "22-11-2026 16:05 WIB"-style text for receipts, in the payer's language-neutral numeric form. */
export function formatWib(epochMs: number): string {
  const d = new Date(epochMs + WIB_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}-${p(d.getUTCMonth() + 1)}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} WIB`;
}

/** IAK's YmdHis in WIB. */
export function iakDateTime(epochMs: number): string {
  const d = new Date(epochMs + WIB_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}
