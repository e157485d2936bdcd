import { afterEach, describe, expect, it } from "vitest";
import type { PayRequest } from "../../../src/providers/port.ts";
import { INQUIRY_DATA, INQUIRY_OK, PATH, PAY_OK, RQ_DATETIME, SECRETS, VA, payToken, setup, sha256 } from "./setup.ts";

const REQ: PayRequest = { ref: "ORD1", product: "bpjs-kesehatan", customerNumber: VA, months: 1, payToken: payToken() };

let t: ReturnType<typeof setup>;
afterEach(async () => {
  t.agent.assertNoPendingInterceptors();
  await t.close();
});

describe("espay pay", () => {
  it("echoes the inquiry's amount string and data, signs over that amount, and reads the receipt", async () => {
    t = setup();
    t.reply(PATH.inquiry, { ...INQUIRY_OK, amount: "0010500000" });
    t.reply(PATH.pay, PAY_OK);
    const inquiry = await t.client.inquire({ ref: "ORD1", product: "bpjs-kesehatan", customerNumber: VA, months: 1 });
    if (inquiry.status !== "success") throw new Error(`inquiry: ${inquiry.status}`);

    const out = await t.client.pay({ ...REQ, payToken: inquiry.bill.payToken });

    expect(out).toEqual({
      status: "success",
      statusKey: "BPJS20250214144441",
      receipt: {
        providerRef: "425F30F055AD7812",
        providerTime: "2025-02-14 14:44:41",
        note: "BPJS KESEHATAN MENYATAKAN STRUK INI SEBAGAI BUKTI PEMBAYARAN YANG SAH",
        name: "ONI SAPUTRA PRATAMA",
        period: "1",
      },
    });
    const call = t.calls[1]!;
    expect(call.path).toBe(PATH.pay);
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from("loket-user:basic-Secret-789").toString("base64")}`);
    const form = Object.fromEntries(call.form);
    expect(form).toEqual({
      rq_uuid: "LOKET0002",
      rq_datetime: RQ_DATETIME,
      sender_id: "LOKET",
      password: SECRETS.password,
      order_id: VA,
      product_code: "BPJSKS",
      amount: "0010500000",
      signature: sha256(`##LOKET##${VA}##BPJSKS##0010500000##LOKET0002##SIGKEY-SECRET-456##`),
      data: JSON.stringify(INQUIRY_DATA),
    });
  });

  it("reports the charged price when the answer carries a top-level amount", async () => {
    t = setup();
    t.reply(PATH.pay, { ...PAY_OK, amount: "10500000" });
    expect(await t.client.pay(REQ)).toMatchObject({ status: "success", receipt: { price: 105_000 } });
  });

  it("keeps 0000 'Inproses' pending, keyed by the ref_id", async () => {
    t = setup();
    t.reply(PATH.pay, { ...PAY_OK, error_message: undefined, error_desc: "Inproses" });
    expect(await t.client.pay(REQ)).toEqual({ status: "pending", statusKey: "BPJS20250214144441", code: "0000", message: "Inproses" });
  });

  it("keeps 0000 'in process' without a ref_id pending with no status key", async () => {
    t = setup();
    const { ref_id: _r, ...body } = PAY_OK;
    t.reply(PATH.pay, { ...body, error_message: "Transaction in process" });
    expect(await t.client.pay(REQ)).toMatchObject({ status: "pending", statusKey: null, code: "0000" });
  });

  it("keeps an unknown code pending, keyed by the ref_id", async () => {
    t = setup();
    t.reply(PATH.pay, { error_code: 99, error_desc: "General error", ref_id: "BPJS1" });
    expect(await t.client.pay(REQ)).toEqual({ status: "pending", statusKey: "BPJS1", code: "0099", message: "General error" });
  });

  it.each([
    [405, "product_unavailable", "0405"],
    ["210", "duplicate_ref", "0210"],
  ])("refuses code %s up front", async (code, reason, normalised) => {
    t = setup();
    t.reply(PATH.pay, { error_code: code, error_desc: "refused" });
    expect(await t.client.pay(REQ)).toEqual({ status: "rejected", reason, code: normalised, message: "refused" });
  });

  it("refuses HTTP 401 as a config error", async () => {
    t = setup();
    t.reply(PATH.pay, "Unauthorized", 401);
    expect(await t.client.pay(REQ)).toMatchObject({ status: "rejected", reason: "config_error", code: "401" });
  });

  it("keeps a timeout pending with no status key", async () => {
    t = setup({ timeoutMs: 20, connectTimeoutMs: 20 });
    t.reply(PATH.pay, PAY_OK).delay(1_000);
    expect(await t.client.pay(REQ)).toMatchObject({ status: "pending", statusKey: null, fault: "timeout" });
  });

  it("keeps a connection failure pending", async () => {
    t = setup();
    t.pool.intercept({ path: PATH.pay, method: "POST" }).replyWithError(new Error("socket hang up"));
    expect(await t.client.pay(REQ)).toMatchObject({ status: "pending", statusKey: null, fault: "network" });
  });

  it("keeps HTTP 5xx pending, with the ref_id when the body still carries one", async () => {
    t = setup();
    t.reply(PATH.pay, { error_code: "0000", ref_id: "BPJS2" }, 502);
    expect(await t.client.pay(REQ)).toMatchObject({ status: "pending", statusKey: "BPJS2", fault: "http_status", code: "502" });
  });

  it.each([
    ["not JSON", "<html>oops</html>", null],
    ["no error_code", { ref_id: "BPJS3" }, "BPJS3"],
    ["0000 with an amount in sen", { ...PAY_OK, amount: "10500001" }, "BPJS20250214144441"],
  ])("keeps a malformed answer (%s) pending", async (_name, body, statusKey) => {
    t = setup();
    t.reply(PATH.pay, body);
    expect(await t.client.pay(REQ)).toMatchObject({ status: "pending", statusKey, fault: "bad_body" });
  });

  it("refuses without calling Espay when the pay token is unreadable or the months unsupported", async () => {
    t = setup();
    expect(await t.client.pay({ ...REQ, payToken: "nope" })).toMatchObject({ status: "rejected", reason: "failed" });
    expect(await t.client.pay({ ...REQ, payToken: JSON.stringify({ amount: 10500000, data: {} }) })).toMatchObject({ status: "rejected" });
    expect(await t.client.pay({ ...REQ, months: 2 })).toMatchObject({ status: "rejected", reason: "product_unavailable" });
    expect(t.calls).toHaveLength(0);
  });

  it("has no status key before paying and a pay timeout of response + connect", () => {
    t = setup({ timeoutMs: 30_000, connectTimeoutMs: 10_000 });
    expect(t.client.statusKeyBeforePay("ORD1")).toBeNull();
    expect(t.client.payTimeoutMs).toBe(40_000);
    expect(t.client.name).toBe("espay");
  });
});
