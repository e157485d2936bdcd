import { expect, it } from "vitest";
import { formatGrossAmount, parseGrossAmount } from "../../../src/gateway/midtrans/amount.ts";

it("reads Midtrans' amount strings as whole rupiah", () => {
  expect(parseGrossAmount("10000.00")).toBe(10_000);
  expect(parseGrossAmount("10000.0")).toBe(10_000);
  expect(parseGrossAmount("10000")).toBe(10_000);
  expect(parseGrossAmount("789000.00")).toBe(789_000);
  expect(parseGrossAmount("999999999999999")).toBe(999_999_999_999_999);
});

it("refuses cents, blanks, signs, zero, separators, exponents, padding and overflow", () => {
  for (const text of [
    "10000.5",
    "10000.50",
    "10000.01",
    "",
    ".00",
    "10000.",
    "-10000.00",
    "+10000",
    "0",
    "0.00",
    "010000.00",
    "10,000.00",
    "10.000.00",
    "1e4",
    " 10000.00",
    "10000.00 ",
    "10000.000",
    "1000000000000000.00",
    "Infinity",
    "NaN",
  ]) {
    expect(parseGrossAmount(text), text).toBeNull();
  }
});

it("writes the string Midtrans itself writes", () => {
  expect(formatGrossAmount(10_000)).toBe("10000.00");
  expect(parseGrossAmount(formatGrossAmount(123_456))).toBe(123_456);
});
