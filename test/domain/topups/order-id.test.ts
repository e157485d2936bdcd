import { describe, expect, it } from "vitest";
import { looksLikeOrderId, mintOrderId } from "../../../src/domain/topups/order-id.ts";

describe("order ids", () => {
  it("fit Midtrans' rule (at most 50 of [A-Za-z0-9-_~.]) and are unique", () => {
    const ids = new Set(Array.from({ length: 2_000 }, () => mintOrderId()));
    expect(ids.size).toBe(2_000);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_~.-]{1,50}$/);
      expect(looksLikeOrderId(id)).toBe(true);
    }
    expect(looksLikeOrderId("LK0000000000AB")).toBe(false);
    expect(looksLikeOrderId("lt0000000000ab")).toBe(false);
  });
});
