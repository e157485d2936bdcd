import { describe, expect, it } from "vitest";
import { parseChoice } from "../../../src/domain/conversation/choice-ids.ts";

describe("choice ids", () => {
  it("parses only well-formed choice ids", () => {
    expect(parseChoice("product:bpjs-kesehatan")).toEqual({ kind: "product", product: "bpjs-kesehatan" });
    expect(parseChoice("pay:LK0123456789AB")).toEqual({ kind: "pay", ref: "LK0123456789AB" });
    for (const bad of ["product:x", "months:13", "pay:LK01", "pay:LK0123456789AB ", "saved:0", "saved:-1", "lang:fr", "x".repeat(100), "topup:approve:01"]) {
      expect(parseChoice(bad)).toBeNull();
    }
  });
});
