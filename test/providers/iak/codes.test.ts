import { describe, expect, it } from "vitest";
import { failedReason, IAK_CODES, inquiryHandling, payHandling } from "../../../src/providers/iak/codes.ts";

/** Every code of docs/providers.md#iak-response-codes. */
const DOCUMENTED = [
  "00",
  "01",
  "02",
  "03",
  "04",
  "05",
  "06",
  "07",
  "08",
  "09",
  "10",
  "11",
  "13",
  "14",
  "15",
  "16",
  "17",
  "20",
  "30",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "38",
  "39",
  "40",
  "41",
  "42",
  "91",
  "92",
  "93",
  "94",
  "100",
  "101",
  "102",
  "103",
  "105",
  "106",
  "107",
  "108",
  "109",
  "110",
  "117",
  "118",
  "201",
];

describe("IAK response code table", () => {
  it("covers exactly the documented codes", () => {
    expect(Object.keys(IAK_CODES).sort()).toEqual([...DOCUMENTED].sort());
  });

  it("makes a pay final only for up-front refusals and already-paid bills", () => {
    const finalOnPay = DOCUMENTED.filter((rc) => payHandling(rc).handling === "rejected").sort();
    expect(finalOnPay).toEqual(["03", "04", "06", "11", "17", "20", "100", "101", "102", "107", "117", "118", "01", "34", "40"].sort());
    expect(payHandling("00").handling).toBe("success");
    expect(payHandling("999").handling).toBe("pending");
  });

  it("sends provider-side faults on inquiry to the next provider", () => {
    expect(inquiryHandling("103").handling).toBe("timeout");
    for (const rc of ["05", "39", "201", "33", "91", "92", "105", "109", "110"]) {
      expect(inquiryHandling(rc).handling, rc).toBe("maintenance");
    }
  });

  it("reads unknown codes as a provider error on inquiry and as failed on check status", () => {
    expect(inquiryHandling("999")).toEqual({ handling: "rejected", reason: "provider_error" });
    expect(failedReason("999")).toBe("failed");
    expect(failedReason("17")).toBe("operator_deposit_low");
  });
});
