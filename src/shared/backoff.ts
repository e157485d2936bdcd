/**
 * The one exponential back-off of the codebase: `firstMs` for attempt 0, doubling per attempt, never
 * above `capMs`. Pure, so every loop that waits between tries (status checks, outbox retries, the
 * inbox, polling, start-up, reconnects) is tested here once.
 */
export function backoffMs(attempt: number, options: { firstMs: number; capMs: number }): number {
  const n = Math.max(0, Math.floor(attempt));
  // 2^40 ms is years: no cap anyone sets is that far, and the exponent stays a safe integer.
  return Math.min(options.capMs, options.firstMs * 2 ** Math.min(n, 40));
}
