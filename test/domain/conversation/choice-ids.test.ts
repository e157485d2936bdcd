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

describe("top-up choice ids", () => {
  it("round-trip, and only for configured-looking methods, whole positive amounts, order ids and refs", async () => {
    const { choiceIds, isSelfIdentifying } = await import("../../../src/domain/conversation/choice-ids.ts");
    expect(parseChoice(choiceIds.topupStart())).toEqual({ kind: "topup_start" });
    expect(parseChoice(choiceIds.topupVia("permata_va", 10_000_000))).toEqual({ kind: "topup_via", method: "permata_va", amount: 10_000_000 });
    expect(parseChoice(choiceIds.topupCheck("LT0123456789AB"))).toEqual({ kind: "topup_check", orderId: "LT0123456789AB" });
    expect(parseChoice(choiceIds.topupBill("LK0123456789AB"))).toEqual({ kind: "topup_bill", ref: "LK0123456789AB" });
    expect(parseChoice(choiceIds.autopayBill("LK0123456789AB"))).toEqual({ kind: "autopay_bill", ref: "LK0123456789AB" });
    for (const bad of [
      "topupvia:gopay:10000",
      "topupvia:qris:0",
      "topupvia:qris:-5",
      "topupvia:qris:01000",
      "topupvia:qris:1e6",
      "topupvia:qris:99999999999",
      "topupcheck:LK0123456789AB",
      "topupcheck:LT0123",
      "topupbill:LT0123456789AB",
      "topupnew:x",
    ]) {
      expect(parseChoice(bad), bad).toBeNull();
    }
    // "Check payment" and the shortfall name their subject (checked against the database); a method is from its menu.
    expect(isSelfIdentifying(parseChoice(choiceIds.topupCheck("LT0123456789AB"))!)).toBe(true);
    expect(isSelfIdentifying(parseChoice(choiceIds.topupBill("LK0123456789AB"))!)).toBe(true);
    expect(isSelfIdentifying(parseChoice(choiceIds.autopayBill("LK0123456789AB"))!)).toBe(true);
    expect(isSelfIdentifying(parseChoice(choiceIds.topupVia("qris", 10_000))!)).toBe(false);
  });
});
