import { describe, expect, it } from "vitest";
import { createPacer } from "../../../src/domain/reminders/pacer.ts";

describe("the pacer", () => {
  it("lets a burst through, then one per gap, on the clock it is given", () => {
    const p = createPacer({ burst: 3, gapMs: () => 100 });
    expect([p.take(0), p.take(0), p.take(0), p.take(0)]).toEqual([true, true, true, false]);
    expect(p.waitMs(0)).toBe(100);
    expect(p.take(99)).toBe(false);
    expect(p.take(100)).toBe(true);
    // A clock stepping back gives nothing.
    expect(p.take(50)).toBe(false);
  });
  it("draws a fresh gap after every send (WhatsApp's jitter)", () => {
    const gaps = [3000, 6000, 4000];
    let i = 0;
    const p = createPacer({ burst: 1, gapMs: () => gaps[i++ % gaps.length]! });
    expect(p.take(0)).toBe(true);
    expect(p.take(5999)).toBe(false);
    expect(p.take(6000)).toBe(true);
    expect(p.take(9999)).toBe(false);
    expect(p.take(10_000)).toBe(true);
  });
});
