import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../src/domain/rate-limiter.ts";

describe("rate limiter", () => {
  it("rate-limits within a sliding window", () => {
    let now = 0;
    const rl = createRateLimiter({ limit: 2, windowMs: 1000, now: () => now });
    expect([rl.allow("u"), rl.allow("u"), rl.allow("u"), rl.allow("v")]).toEqual([true, true, false, true]);
    now = 1001;
    expect(rl.allow("u")).toBe(true);
  });
});
