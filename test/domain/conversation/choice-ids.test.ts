import { describe, expect, it } from "vitest";
import { parseChoice } from "../../../src/domain/conversation/choice-ids.ts";

describe("choice ids", () => {
  it("parses only well-formed choice ids", () => {
    expect(parseChoice("product:bpjs-kesehatan")).toEqual({ kind: "product", product: "bpjs-kesehatan" });
    expect(parseChoice("pay:LK0123456789AB")).toEqual({ kind: "pay", ref: "LK0123456789AB" });
    expect(parseChoice("rem:pay:12")).toEqual({ kind: "reminder", action: "pay", id: 12 });
    expect(parseChoice("rem:autopay_off:3")).toEqual({ kind: "reminder", action: "autopay_off", id: 3 });
    expect(parseChoice("rem:apyes")).toEqual({ kind: "autopay_confirm" });
    for (const bad of ["rem:pay:0", "rem:pay:", "rem:drop:1", "rem:apyes:1", "rem:on:1:2"]) expect(parseChoice(bad)).toBeNull();
    for (const bad of ["product:x", "months:13", "pay:LK01", "pay:LK0123456789AB ", "saved:0", "saved:-1", "lang:fr", "x".repeat(100), "topup:approve:01"]) {
      expect(parseChoice(bad)).toBeNull();
    }
  });
});
