/**
 * Midtrans writes times in WIB (GMT+7) as "YYYY-MM-DD HH:MM:SS" (transaction_time,
 * settlement_time), and takes custom_expiry.order_time as "YYYY-MM-DD HH:MM:SS +0700"
 * (docs/gateway.md#expiry). WIB has no daylight saving, so a fixed offset is exact.
 */
const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;

export function midtransDateTime(epochMs: number): string {
  const iso = new Date(epochMs + WIB_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

export function midtransOrderTime(epochMs: number): string {
  return `${midtransDateTime(epochMs)} +0700`;
}

const ORDER_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** An order_time back to epoch ms (any ±HHMM offset), or null when it is not one. */
export function parseMidtransOrderTime(text: string): number | null {
  const m = ORDER_TIME.exec(text);
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 2026-02-31 over into March: such a date is not a date.
  if (new Date(wall).toISOString().slice(0, 19) !== `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`) return null;
  const offsetMs = (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  return m[7] === "-" ? wall + offsetMs : wall - offsetMs;
}
