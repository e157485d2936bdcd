import { backoffMs } from "../../shared/backoff.ts";

/**
 * When the gateway's status API is asked about an order (docs/topups.md#the-three-ways). A lost
 * notification must cost the payer well under a minute, so a young order is asked about often; an
 * old one (a virtual account open for hours) less and less. Pure, so it is tested on its own.
 */

/** The first look, about as long as a payer needs to scan and pay. */
export const FIRST_CHECK_MS = 15_000;
/** While an order is this young… */
export const YOUNG_FOR_MS = 10 * 60_000;
/** …it is asked about this often (at least every 30 s). */
export const YOUNG_INTERVAL_MS = 20_000;
/** Older orders: a tenth of their age, between these bounds. */
export const OLD_INTERVAL_MIN_MS = 30_000;
export const OLD_INTERVAL_MAX_MS = 5 * 60_000;
/** A charge answered by nothing yet may still be on its way: left alone this long. */
export const CHARGE_GRACE_MS = 2 * 60_000;
/** Past its expiry plus this without a clear answer from the gateway, a person looks at the order. */
export const REVIEW_AFTER_EXPIRY_MS = 24 * 60 * 60_000;

/** The next regular look at a pending order; never later than its expiry, when it must be closed. */
export function nextCheckAt(order: { created_at: number; expires_at: number }, now: number): number {
  const age = Math.max(0, now - order.created_at);
  const delay = age < YOUNG_FOR_MS ? YOUNG_INTERVAL_MS : Math.min(OLD_INTERVAL_MAX_MS, Math.max(OLD_INTERVAL_MIN_MS, Math.floor(age / 10)));
  const next = now + delay;
  return now < order.expires_at ? Math.min(next, order.expires_at) : next;
}

/** After `attempts` answers that said nothing (a timeout, a 5xx): 15 s doubling to 5 minutes. */
export function retryAt(attempts: number, now: number): number {
  return now + backoffMs(Math.max(0, attempts - 1), { firstMs: FIRST_CHECK_MS, capMs: OLD_INTERVAL_MAX_MS });
}
