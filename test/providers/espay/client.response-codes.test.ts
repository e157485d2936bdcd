import { afterEach, describe, expect, it } from "vitest";
import type { InquiryRequest, PayRequest, StatusRequest } from "../../../src/providers/port.ts";
import { INQUIRY_OK, PATH, PAY_OK, VA, payToken, setup } from "./setup.ts";

/*
 * An error_code that is not a code (blank, whitespace, missing, signed, fractional, not digits) used to
 * be padded to "0000" and so read as success. Every place that reads one must treat it as a malformed body.
 */

const REF = "BPJS20250214144441";
const INQUIRY: InquiryRequest = { ref: "ORD1", product: "bpjs-kesehatan", customerNumber: VA, months: 1 };
const PAY: PayRequest = { ...INQUIRY, payToken: payToken() };
const STATUS: StatusRequest = { ...INQUIRY, statusKey: REF };

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
  ["a boolean", false],
  ["an object", { code: "0000" }],
];

function withCode(body: Record<string, unknown>, code: unknown): Record<string, unknown> {
  const { error_code: _c, ...rest } = body;
  return code === undefined ? rest : { ...rest, error_code: code };
}

let t: ReturnType<typeof setup>;
afterEach(async () => {
  t.agent.assertNoPendingInterceptors();
  await t.close();
});

describe("Espay: an error_code that is not a code is a malformed body", () => {
  it("a pay answer with a blank error code stays pending for the reconciler, keyed by its ref_id", async () => {
    t = setup();
    t.reply(PATH.pay, { ...PAY_OK, error_code: "", error_desc: "SYSTEM ERROR" });
    expect(await t.client.pay(PAY)).toMatchObject({ status: "pending", statusKey: REF, fault: "bad_body" });
    expect(t.calls).toHaveLength(1);
  });

  it.each([...NOT_A_CODE, ["a missing code", undefined]])("a pay answer with %s as its code stays pending", async (_name, code) => {
    t = setup();
    t.reply(PATH.pay, withCode(PAY_OK, code));
    expect(await t.client.pay(PAY)).toMatchObject({ status: "pending", statusKey: REF, fault: "bad_body" });
  });

  it.each(NOT_A_CODE)("a gettransactioninfo answer saying success with %s as its code stays pending", async (_name, code) => {
    t = setup();
    t.reply(PATH.status, { ...withCode(PAY_OK, code), tx_status: "S" });
    expect(await t.client.status(STATUS)).toMatchObject({ status: "pending", fault: "bad_body" });
  });

  it.each(NOT_A_CODE)("an inquiry answer with %s as its code is unavailable bad_body", async (_name, code) => {
    t = setup();
    t.reply(PATH.inquiry, withCode(INQUIRY_OK, code));
    expect(await t.client.inquire(INQUIRY)).toMatchObject({ status: "unavailable", fault: "bad_body" });
  });

  it.each([
    ["0000", "success"],
    [0, "success"],
    [" 0000 ", "success"],
    [99, "0099"],
    ["610", "0610"],
  ])("a real code (%j) is still read (%s)", async (code, read) => {
    t = setup();
    t.reply(PATH.pay, withCode(PAY_OK, code));
    const outcome = await t.client.pay(PAY);
    if (read === "success") expect(outcome).toMatchObject({ status: "success" });
    else expect(outcome).toMatchObject({ status: "pending", code: read });
  });
});
