import { describe, expect, it } from "vitest";
import { shortfallAmount } from "../../../src/domain/topups/shortfall.ts";

describe("shortfallAmount", () => {
  it("is the missing amount rounded up to whole thousands, at least the minimum top-up", () => {
    expect(shortfallAmount(52_500, 20_000, 10_000)).toBe(33_000);
    expect(shortfallAmount(52_500, 42_000, 10_000)).toBe(11_000);
    expect(shortfallAmount(52_500, 50_000, 10_000)).toBe(10_000);
    expect(shortfallAmount(52_000, 20_000, 10_000)).toBe(32_000);
    expect(shortfallAmount(52_001, 20_000, 1)).toBe(33_000);
  });

  it("is 0 when nothing is missing", () => {
    expect(shortfallAmount(52_500, 52_500, 10_000)).toBe(0);
    expect(shortfallAmount(52_500, 1_000_000, 10_000)).toBe(0);
    expect(shortfallAmount(0, 0, 10_000)).toBe(0);
  });
});
