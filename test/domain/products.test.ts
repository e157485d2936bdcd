import { describe, expect, it } from "vitest";
import { checkCustomerNumber } from "../../src/domain/products.ts";

describe("customer numbers", () => {
  it("strips spaces and dashes, keeps leading zeros", () => {
    expect(checkCustomerNumber("bpjs-denda", "0999-9430 1101")).toEqual({ ok: true, number: "099994301101" });
  });
  it("applies per-product lengths", () => {
    expect(checkCustomerNumber("bpjs-ketenagakerjaan", "810205101127000")).toEqual({ ok: false, problem: "wrong_length" });
    expect(checkCustomerNumber("bpjs-kesehatan", "123456789")).toEqual({ ok: false, problem: "too_short" });
    expect(checkCustomerNumber("bpjs-kesehatan", "12345678901234567")).toEqual({ ok: false, problem: "too_long" });
    expect(checkCustomerNumber("bpjs-kesehatan", "88012345600O0")).toEqual({ ok: false, problem: "not_digits" });
  });
});
