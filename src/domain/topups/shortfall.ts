/**
 * What a payer short of a bill's total is offered to pay with QRIS (docs/topups.md#the-shortfall):
 * the missing amount rounded up to whole thousands (an amount people can check at a glance) and
 * at least the smallest top-up. 0 when nothing is missing.
 */
export function shortfallAmount(total: number, balance: number, minimum: number): number {
  const missing = total - balance;
  if (missing <= 0) return 0;
  return Math.max(minimum, Math.ceil(missing / 1000) * 1000);
}
