import { backoffMs } from "../../shared/backoff.ts";

/** The first status check of a pending payment (docs/money.md). */
export const FIRST_CHECK_DELAY_MS = 5_000;

/**
 * When to ask about a pending payment again after `attempt` checks: 10 s, 20 s, … doubling up to a
 * 10-minute cap (the first check came after FIRST_CHECK_DELAY_MS).
 */
export function nextCheckDelayMs(attempt: number): number {
  return backoffMs(attempt + 1, { firstMs: FIRST_CHECK_DELAY_MS, capMs: 600_000 });
}

/** "Never received" is believed only after the pay request itself could no longer be on its way. */
export const NOT_RECEIVED_GRACE_MS = 60_000;

/** Past this without a final answer, a person looks at it. */
export const REVIEW_AFTER_MS = 24 * 60 * 60 * 1000;
