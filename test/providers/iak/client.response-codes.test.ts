import { describe, expect, it } from "vitest";
import type { InquiryRequest, PayRequest, StatusRequest } from "../../../src/providers/port.ts";
import { envelope, inquiry, pay, REF, status, TR_ID } from "./fixtures.ts";
import { setup } from "./setup.ts";

/*
 * A response code that is not a code (blank, whitespace, missing, signed, fractional, not digits) used to
 * be padded to "00" and so read as success. Every place that reads one must treat it as a malformed body.
 */

const inquiryReq: InquiryRequest = { ref: REF, product: "bpjs-kesehatan", customerNumber: "8801234560000", months: 2 };
const payReq: PayRequest = { ...inquiryReq, payToken: String(TR_ID) };
const statusReq: StatusRequest = { ...inquiryReq, statusKey: REF };

const NOT_A_CODE: [string, unknown][] = [
  ["an empty string", ""],
  ["a blank string", " "],
  ["a tab", "\t"],
  ["null", null],
  ["a negative number", -1],
  ["a negative string", "-1"],
  ["a float", 0.5],
  ["a decimal string", "0.0"],
  ["two digits with a space", "0 0"],
  ["letters", "abc"],
  ["a boolean", true],
  ["an object", { code: "00" }],
];

function withCode(data: Record<string, unknown>, code: unknown): Record<string, unknown> {
  const { response_code: _rc, ...rest } = data;
  return code === undefined ? rest : { ...rest, response_code: code };
}

describe("IAK: a response code that is not a code is a malformed body", () => {
  it("a pay answer with a blank response code stays pending for the reconciler", async () => {
    const s = setup();
    s.answer(200, { data: { response_code: "", message: "SYSTEM ERROR" } });
    expect(await s.client.pay(payReq)).toMatchObject({ status: "pending", statusKey: REF, fault: "bad_body" });
    expect(s.seen).toHaveLength(1);
  });

  it.each([...NOT_A_CODE, ["a missing code", undefined]])("a pay answer with %s as its code stays pending, keyed by our ref", async (_name, code) => {
    const s = setup();
    s.answer(200, envelope(withCode(pay["8801234560000 success"].data, code)));
    expect(await s.client.pay(payReq)).toMatchObject({ status: "pending", statusKey: REF, fault: "bad_body" });
  });

  it.each(NOT_A_CODE)("a check status with status 1 and %s as its code stays pending", async (_name, code) => {
    const s = setup();
    s.answer(200, envelope(withCode(status["8801234560000 payment success (status 1)"].data, code)));
    expect(await s.client.status(statusReq)).toMatchObject({ status: "pending", fault: "bad_body" });
  });

  it("a check status with status 0 and a blank code is not 'never received'", async () => {
    const s = setup();
    s.answer(200, envelope(withCode(status["8801234560000 payment request not received (status 0)"].data, " ")));
    expect(await s.client.status(statusReq)).toMatchObject({ status: "pending", fault: "bad_body" });
  });

  it.each(NOT_A_CODE)("an inquiry answer with %s as its code is unavailable bad_body", async (_name, code) => {
    const s = setup();
    s.answer(200, envelope(withCode(inquiry["8801234560000 success"].data, code)));
    expect(await s.client.inquire(inquiryReq)).toMatchObject({ status: "unavailable", fault: "bad_body" });
  });

  it.each([
    ["0", "00"],
    [0, "00"],
    [" 00 ", "00"],
    [39, "39"],
    ["103", "103"],
  ])("a real code (%j) is still read as %s", async (code, read) => {
    const s = setup();
    s.answer(200, envelope(withCode(pay["8801234560000 success"].data, code)));
    const outcome = await s.client.pay(payReq);
    if (read === "00") expect(outcome).toMatchObject({ status: "success" });
    else expect(outcome).toMatchObject({ status: "pending", code: read });
  });
});
