/** A thousandth of a millisecond: under a thousand stamps per millisecond never run ahead of the clock. */
const TICK_MS = 0.001;

/**
 * Strictly increasing instants on a wall clock: two stamps taken in order never compare equal,
 * so "arrived before the menu was offered" is exact even within one millisecond (or with a
 * clock that stands still in tests). A backward jump of the wall clock only makes stamps creep
 * forward until it catches up. One clock serves every arrival and every menu of a process.
 */
export function createArrivalClock(now: () => number): () => number {
  let last = -Infinity;
  return () => {
    last = Math.max(now(), last + TICK_MS);
    return last;
  };
}
export type ArrivalClock = ReturnType<typeof createArrivalClock>;
