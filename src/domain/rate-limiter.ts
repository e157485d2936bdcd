/**
 * A sliding-window counter per key. Kept in memory on purpose: it protects the bot from floods and
 * holds no money or state a crash could lose harmfully.
 */
export function createRateLimiter(opts: { limit: number; windowMs: number; now: () => number; maxKeys?: number }) {
  const hits = new Map<string, number[]>();
  const maxKeys = opts.maxKeys ?? 100_000;

  return {
    allow(key: string): boolean {
      const now = opts.now();
      let times = hits.get(key);
      if (!times) {
        if (hits.size >= maxKeys) hits.delete(hits.keys().next().value as string);
        times = [];
        hits.set(key, times);
      }
      while (times.length > 0 && now - times[0]! >= opts.windowMs) times.shift();
      if (times.length >= opts.limit) return false;
      times.push(now);
      return true;
    },
  };
}
