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

/**
 * After an order the payer saw was closed unpaid (expired, cancelled, failed), the gateway is still
 * asked a few times, this long after the close: a payment that raced the close, or one the gateway
 * took although it should not have, is found even when its notification is lost. Then no more
 * (docs/topups.md#expiry-and-late-payment): a notification and the payer's "check" still work after.
 */
export const LATE_LOOKS_AFTER_CLOSE_MS: readonly number[] = [2 * 60_000, 15 * 60_000, 60 * 60_000, 6 * 3_600_000, 24 * 3_600_000];

/** The next late look at an order closed at `closedAt`, or null when the last one is behind. */
export function lateLookAt(closedAt: number, now: number): number | null {
  for (const after of LATE_LOOKS_AFTER_CLOSE_MS) if (closedAt + after > now) return closedAt + after;
  return null;
}

/**
 * A notification that repeats a status already signed for the order (only unsigned fields differ)
 * has the status API asked about the order at most this often (docs/topups.md#notifications).
 */
export const NOTIFIED_CHECK_INTERVAL_MS = 60_000;
