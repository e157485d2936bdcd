import { describe, expect, it } from "vitest";
import { formatRupiah, parseRupiah, readRupiah, wholeBeforeDecimalComma, type AmountProblem } from "../../src/domain/money.ts";

describe("readRupiah: amounts as Indonesians write them", () => {
  it.each([
    // plain and dot-grouped thousands
    ["50000", 50_000],
    ["50.000", 50_000],
    ["1.500.000", 1_500_000],
    ["050.000", 50_000],
    ["1", 1],
    // Rp prefix, with or without a dot or a space
    ["Rp50.000", 50_000],
    ["Rp.50.000", 50_000],
    ["Rp 50.000", 50_000],
    ["rp. 50.000", 50_000],
    ["RP50000", 50_000],
    // units apply to the whole number
    ["50rb", 50_000],
    ["50 ribu", 50_000],
    ["50RB", 50_000],
    ["50k", 50_000],
    ["50 K", 50_000],
    ["2jt", 2_000_000],
    ["2 juta", 2_000_000],
    ["1.500rb", 1_500_000],
    ["1.500 ribu", 1_500_000],
    ["1.500k", 1_500_000],
    ["1.000jt", 1_000_000_000],
    // a comma is the decimal mark, before a unit
    ["1,5jt", 1_500_000],
    ["1,5 juta", 1_500_000],
    ["2,5rb", 2_500],
    ["2,5k", 2_500],
    ["2,500rb", 2_500],
    ["0,5rb", 500],
    ["1,25jt", 1_250_000],
    ["1,000001jt", 1_000_001],
    ["1,5000rb", 1_500],
    ["1.234,5jt", 1_234_500_000],
    ["Rp 1,5jt", 1_500_000],
    // surrounding spaces
    ["  50.000  ", 50_000],
  ])("%j is Rp%d", (input, amount) => {
    expect(readRupiah(input)).toEqual({ ok: true, amount });
    expect(parseRupiah(input)).toBe(amount);
  });

  it.each<[string, AmountProblem]>([
    // a comma without a unit is never guessed
    ["2,500", "ambiguous"],
    ["2,5", "ambiguous"],
    ["50.000,00", "ambiguous"],
    ["Rp 2,500", "ambiguous"],
    ["1,0", "ambiguous"],
    // not a whole rupiah
    ["1,0005rb", "not_whole"],
    ["1,5555rb", "not_whole"],
    ["0,0000001jt", "not_whole"],
    // zero or less
    ["0", "not_positive"],
    ["0rb", "not_positive"],
    ["0,000jt", "not_positive"],
    ["Rp0", "not_positive"],
    ["-5000", "not_positive"],
    // too large to be money
    ["99999999999999999999", "too_large"],
    ["9.007.199.254.740.992", "too_large"],
    ["10.000.000.000jt", "too_large"],
    // not amounts at all
    ["", "not_a_number"],
    ["   ", "not_a_number"],
    ["abc", "not_a_number"],
    ["Rp", "not_a_number"],
    ["rb", "not_a_number"],
    ["50.00", "not_a_number"],
    ["1.5jt", "not_a_number"],
    ["1.5", "not_a_number"],
    ["1.50.000", "not_a_number"],
    ["1.5000", "not_a_number"],
    ["50.000.", "not_a_number"],
    [".500", "not_a_number"],
    ["50 000", "not_a_number"],
    ["50rbu", "not_a_number"],
    ["50rb rb", "not_a_number"],
    ["1e6", "not_a_number"],
    ["0x10", "not_a_number"],
    ["5,", "not_a_number"],
    [",5rb", "not_a_number"],
    ["+5000", "not_a_number"],
    ["٥٠٠٠", "not_a_number"],
    ["50.000 rupiah", "not_a_number"],
  ])("%j is refused as %s", (input, problem) => {
    expect(readRupiah(input)).toEqual({ ok: false, problem });
    expect(parseRupiah(input)).toBeNull();
  });

  it("the largest safe amount is accepted, one more is too large", () => {
    expect(readRupiah(String(Number.MAX_SAFE_INTEGER))).toEqual({ ok: true, amount: Number.MAX_SAFE_INTEGER });
    expect(readRupiah(String(Number.MAX_SAFE_INTEGER + 1))).toEqual({ ok: false, problem: "too_large" });
  });

  describe("signed amounts (corrections)", () => {
    it.each([
      ["-5000", -5_000],
      ["+5rb", 5_000],
      ["- 5.000", -5_000],
      ["-Rp5.000", -5_000],
      ["-1,5jt", -1_500_000],
      ["5000", 5_000],
    ])("%j is %d", (input, amount) => {
      expect(readRupiah(input, { signed: true })).toEqual({ ok: true, amount });
    });

    it.each<[string, AmountProblem]>([
      ["-0", "not_positive"],
      ["-2,500", "ambiguous"],
      ["--5000", "not_a_number"],
      ["+-5000", "not_a_number"],
    ])("%j is refused as %s", (input, problem) => {
      expect(readRupiah(input, { signed: true })).toEqual({ ok: false, problem });
    });
  });
});

describe("money", () => {
  it("formats rupiah one way", () => {
    expect(formatRupiah(105000)).toBe("Rp105.000");
    expect(formatRupiah(0)).toBe("Rp0");
    expect(formatRupiah(1234567)).toBe("Rp1.234.567");
    expect(formatRupiah(-2500)).toBe("-Rp2.500");
    expect(() => formatRupiah(1.5)).toThrow();
  });
  it.each([
    ["50000", 50000],
    ["50.000", 50000],
    ["Rp50.000", 50000],
    ["rp 50.000", 50000],
    ["50rb", 50000],
    ["50 ribu", 50000],
    ["50k", 50000],
    ["1,5jt", 1500000],
    ["2 juta", 2000000],
    ["1.000.000", 1000000],
  ])("parses %s", (text, value) => expect(parseRupiah(text)).toBe(value));
  it.each(["", "abc", "50.00", "5,0000", "-5", "0", "1.5", "50rbu", "1e6", "99999999999999999999"])("refuses %s", (text) =>
    expect(parseRupiah(text)).toBeNull(),
  );
  it("accepts a sign only when asked", () => {
    expect(parseRupiah("-5000", { signed: true })).toBe(-5000);
    expect(parseRupiah("+5rb", { signed: true })).toBe(5000);
    expect(parseRupiah("-5000")).toBeNull();
  });
});

describe("the hint for an amount refused as ambiguous", () => {
  it("names the whole amount when the comma can only be a decimal mark", () => {
    expect(wholeBeforeDecimalComma("10.000.000,00")).toBe("10.000.000");
    expect(wholeBeforeDecimalComma("Rp 50.000,5")).toBe("50.000");
    expect(wholeBeforeDecimalComma("-10.000,00")).toBe("-10.000");
    // Truly ambiguous, or not refused as ambiguous at all: the usual hint.
    for (const input of ["2,500", "2,5", "1,5jt", "50.000", "abc", "", "1.000,5rb"]) expect(wholeBeforeDecimalComma(input), input).toBeNull();
  });
});
