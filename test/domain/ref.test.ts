import { describe, expect, it } from "vitest";
import { looksLikeRef, mintRef } from "../../src/domain/ref.ts";

describe("refs", () => {
  it("mints alphanumeric refs", () => {
    const ref = mintRef();
    expect(ref).toMatch(/^[A-Za-z0-9]+$/);
    expect(looksLikeRef(ref)).toBe(true);
  });
});
