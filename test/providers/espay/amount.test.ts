import { describe, expect, it } from "vitest";
import { centsToRupiah, plainRupiah } from "../../../src/providers/espay/amount.ts";

describe("espay amounts", () => {
  it("turns top-level rupiah × 100 into integer rupiah", () => {
    expect(centsToRupiah("10500000")).toBe(105_000);
    expect(centsToRupiah(10500000)).toBe(105_000);
    expect(centsToRupiah("0")).toBe(0);
    expect(centsToRupiah("0010500000")).toBe(105_000);
  });

  it("refuses sen, decimals, separators, negatives and unsafe sizes", () => {
    expect(centsToRupiah("10500050")).toBeNull();
    expect(centsToRupiah(105000.5)).toBeNull();
    expect(centsToRupiah("105000.00")).toBeNull();
    expect(centsToRupiah("150.000,00")).toBeNull();
    expect(centsToRupiah("-100")).toBeNull();
    expect(centsToRupiah(-100)).toBeNull();
    expect(centsToRupiah("")).toBeNull();
    expect(centsToRupiah(" 100")).toBeNull();
    expect(centsToRupiah("99999999999999999")).toBeNull();
  });

  it("reads plain rupiah from data, zero-padded strings included", () => {
    expect(plainRupiah("000000125400")).toBe(125_400);
    expect(plainRupiah(105000)).toBe(105_000);
    expect(plainRupiah("1.5")).toBeNull();
    expect(plainRupiah(1.5)).toBeNull();
  });
});
