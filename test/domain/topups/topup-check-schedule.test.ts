import { describe, expect, it } from "vitest";
import { FIRST_CHECK_MS, LATE_LOOKS_AFTER_CLOSE_MS, lateLookAt, nextCheckAt, retryAt, YOUNG_FOR_MS } from "../../../src/domain/topups/topup-check-schedule.ts";

const created = 1_000_000;
const order = (expiryMinutes: number) => ({ created_at: created, expires_at: created + expiryMinutes * 60_000 });

describe("when an order is asked about", () => {
  it("first about 15 s after the charge, then at least every 30 s while young", () => {
    expect(FIRST_CHECK_MS).toBe(15_000);
    const o = order(60);
    for (let at = created + FIRST_CHECK_MS; at < created + YOUNG_FOR_MS; at += 7_000) expect(nextCheckAt(o, at) - at).toBeLessThanOrEqual(30_000);
  });

  it("backs off once old: a tenth of its age, between 30 s and 5 minutes", () => {
    const o = order(24 * 60);
    expect(nextCheckAt(o, created + 20 * 60_000) - (created + 20 * 60_000)).toBe(120_000);
    expect(nextCheckAt(o, created + 11 * 60_000) - (created + 11 * 60_000)).toBe(66_000);
    expect(nextCheckAt(o, created + 5 * 3_600_000) - (created + 5 * 3_600_000)).toBe(300_000);
  });

  it("never later than the expiry, when the order must be closed", () => {
    const o = order(15);
    expect(nextCheckAt(o, o.expires_at - 5_000)).toBe(o.expires_at);
    // Past it (the close did not get an answer): asked again, never in the past.
    expect(nextCheckAt(o, o.expires_at + 1)).toBeGreaterThan(o.expires_at + 1);
  });

  it("unanswered checks back off from 15 s to 5 minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => retryAt(n, 0))).toEqual([15_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
    expect(retryAt(0, 100)).toBe(15_100);
  });
});

describe("late looks at an order closed unpaid", () => {
  it("a few, at fixed times after the close, each once, then none: at most a day on", () => {
    const closed = 5_000_000;
    const looks: number[] = [];
    for (let at = lateLookAt(closed, closed); at !== null; at = lateLookAt(closed, at)) looks.push(at - closed);
    expect(looks).toEqual([...LATE_LOOKS_AFTER_CLOSE_MS]);
    expect(Math.max(...looks)).toBeLessThanOrEqual(24 * 3_600_000);
    // A look taken late (the poller was down) skips the points already behind it; never one in the past.
    expect(lateLookAt(closed, closed + 2 * 3_600_000)).toBe(closed + 6 * 3_600_000);
    expect(lateLookAt(closed, closed + 24 * 3_600_000)).toBeNull();
    expect(lateLookAt(closed, closed - 1)).toBe(closed + LATE_LOOKS_AFTER_CLOSE_MS[0]!);
  });
});
