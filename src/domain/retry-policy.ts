/**
 * When to ask about a pending payment again: first after 5 s, doubling up to a 10-minute cap
 * (SPEC §5). Pure, so it is tested on its own.
 */
export function nextCheckDelayMs(attempt: number, options: { firstMs?: number; capMs?: number } = {}): number {
  const first = options.firstMs ?? 5_000;
  const cap = options.capMs ?? 600_000;
  if (attempt < 0) return first;
  return Math.min(cap, first * 2 ** Math.min(attempt + 1, 30));
}

/** "Never received" is believed only after the pay request itself could no longer be on its way. */
export const NOT_RECEIVED_GRACE_MS = 60_000;

/** Past this without a final answer, a person looks at it (SPEC §5). */
export const REVIEW_AFTER_MS = 24 * 60 * 60 * 1000;
