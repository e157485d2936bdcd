/**
 * A sliding-window counter per key. Kept in memory on purpose: it protects the bot from floods and
 * holds no money or state a crash could lose harmfully.
 */
export function createRateLimiter(opts: { limit: number; windowMs: number; now: () => number; maxKeys?: number }) {
  const hits = new Map<string, { times: number[]; told: boolean }>();
  const maxKeys = opts.maxKeys ?? 100_000;

  return {
    allow(key: string): boolean {
      const now = opts.now();
      let entry = hits.get(key);
      if (!entry) {
        if (hits.size >= maxKeys) hits.delete(hits.keys().next().value as string);
        entry = { times: [], told: false };
        hits.set(key, entry);
      }
      entry.times = entry.times.filter((at) => now - at < opts.windowMs);
      if (entry.times.length >= opts.limit) return false;
      entry.times.push(now);
      entry.told = false;
      return true;
    },
    /** True once per burst, so a flood gets one polite answer, not one per message. */
    firstRefusal(key: string): boolean {
      const entry = hits.get(key);
      if (!entry || entry.told) return false;
      entry.told = true;
      return true;
    },
  };
}
