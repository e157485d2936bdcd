/**
 * Paces messages the bot sends unasked (docs/reminders.md#pacing), on the app's clock rather than
 * on timers: a token bucket holding at most `burst` sends, refilled one token per `gapMs()` — a
 * steady rate for Telegram, a fresh jittered pause after every send for WhatsApp.
 */
export interface Pacer {
  /** Takes a send slot at `now` if one is free. */
  take(now: number): boolean;
  /** How long from `now` until the next slot is free (0 when one is). */
  waitMs(now: number): number;
}

export function createPacer(opts: { burst: number; gapMs: () => number }): Pacer {
  let tokens = opts.burst;
  let last: number | null = null;
  let gap = Math.max(1, opts.gapMs());
  function refill(now: number): void {
    // A clock stepping backwards adds nothing (and takes nothing away).
    if (last !== null) tokens = Math.min(opts.burst, tokens + Math.max(0, now - last) / gap);
    last = last === null ? now : Math.max(last, now);
  }
  return {
    take(now) {
      refill(now);
      if (tokens < 1) return false;
      tokens -= 1;
      gap = Math.max(1, opts.gapMs());
      return true;
    },
    waitMs(now) {
      refill(now);
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * gap);
    },
  };
}

/** No pacing (the console). */
export const unpaced: Pacer = { take: () => true, waitMs: () => 0 };
