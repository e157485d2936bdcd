/**
 * Midtrans writes amounts as strings with two decimals ("10000.00") in every answer and
 * notification, and takes integers in requests (docs/gateway.md#amounts). Rupiah have no cents here:
 * anything but a positive whole number of rupiah is unreadable, never rounded.
 */
const GROSS_AMOUNT = /^([1-9]\d{0,14})(?:\.(\d{1,2}))?$/;

export function parseGrossAmount(text: string): number | null {
  const match = GROSS_AMOUNT.exec(text);
  if (match === null) return null;
  const fraction = match[2];
  if (fraction !== undefined && !/^0+$/.test(fraction)) return null;
  const rupiah = Number(match[1]);
  return Number.isSafeInteger(rupiah) ? rupiah : null;
}

/** The string Midtrans itself would send for an amount, as the simulator must. */
export function formatGrossAmount(rupiah: number): string {
  return `${rupiah}.00`;
}
