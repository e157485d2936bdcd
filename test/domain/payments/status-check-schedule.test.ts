import { describe, expect, it } from "vitest";
import { nextCheckDelayMs } from "../../../src/domain/payments/status-check-schedule.ts";

describe("reconciler backoff", () => {
  it("doubles from 10 s after the first 5 s check, capped at 10 minutes", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map((a) => nextCheckDelayMs(a))).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000, 600_000]);
  });
});
