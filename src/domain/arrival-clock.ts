/**
 * Strictly increasing instants on a wall clock: two stamps taken in order never compare equal,
 * so "arrived before the menu was offered" is exact even within one millisecond (or with a
 * clock that stands still in tests). A backward jump of the wall clock only makes stamps advance
 * a millisecond at a time until it catches up.
 */
export function createArrivalClock(now: () => number): () => number {
  let last = -Infinity;
  return () => {
    last = Math.max(now(), last + 1);
    return last;
  };
}
