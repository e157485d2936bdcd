import { afterEach, describe, expect, it } from "vitest";
import type { InquiryRequest } from "../../../src/providers/port.ts";
import { INQUIRY_DATA, INQUIRY_OK, PATH, PAY_OK, RQ_DATETIME, SECRETS, VA, setup, sha256 } from "./setup.ts";

const REQ: InquiryRequest = { ref: "ORD1", product: "bpjs-kesehatan", customerNumber: VA, months: 1 };

let t: ReturnType<typeof setup>;
afterEach(async () => {
  t.agent.assertNoPendingInterceptors();
  await t.close();
});

describe("espay inquire", () => {
  it("reads a SEED-0-shaped bill, converting × 100 amounts, and sends a signed form", async () => {
    t = setup();
    t.reply(PATH.inquiry, INQUIRY_OK);
    const out = await t.client.inquire(REQ);

    expect(out.status).toBe("success");
    if (out.status !== "success") return;
    const { payToken, ...bill } = out.bill;
    expect(bill).toEqual({
      name: "ONI SAPUTRA PRATAMA",
      period: "1",
      branch: "JAKARTA",
      participants: "1",
      amount: 100_000,
      adminFee: 5_000,
      price: 105_000,
    });
    expect(JSON.parse(payToken)).toEqual({ amount: "10500000", data: INQUIRY_DATA });

    expect(t.calls).toHaveLength(1);
    const call = t.calls[0]!;
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from("loket-user:basic-Secret-789").toString("base64")}`);
    expect(call.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(call.form)).toEqual({
      rq_uuid: "LOKET0001",
      rq_datetime: RQ_DATETIME,
      sender_id: "LOKET",
      password: SECRETS.password,
      order_id: VA,
      product_code: "BPJSKS",
      signature: sha256(`##LOKET##${VA}##BPJSKS##LOKET0001##SIGKEY-SECRET-456##`),
    });
    // Espay's samples encode the space in rq_datetime as %20.
    expect(call.rawBody).toContain("rq_datetime=2025-02-14%2014%3A41%3A39");
  });

  it("accepts data as a JSON string and string amounts, echoing the amount string verbatim", async () => {
    t = setup();
    t.reply(PATH.inquiry, {
      ...INQUIRY_OK,
      error_message: undefined,
      error_desc: "Success",
      amount: "0010500000",
      bill_amount: "10000000",
      admin_fee: "500000",
      data: JSON.stringify(INQUIRY_DATA),
    });
    const out = await t.client.inquire(REQ);
    expect(out).toMatchObject({ status: "success", bill: { amount: 100_000, adminFee: 5_000, price: 105_000 } });
    if (out.status !== "success") return;
    expect(JSON.parse(out.bill.payToken)).toEqual({ amount: "0010500000", data: INQUIRY_DATA });
  });

  it("falls back to data's rupiah parts when the top level has only the total", async () => {
    t = setup();
    t.reply(PATH.inquiry, { ...INQUIRY_OK, bill_amount: undefined, admin_fee: undefined });
    const out = await t.client.inquire(REQ);
    expect(out).toMatchObject({ status: "success", bill: { amount: 100_000, adminFee: 5_000, price: 105_000 } });
  });

  it("trusts the total when no part is given", async () => {
    t = setup();
    const { bill_amount: _b, admin_fee: _a, ...data } = INQUIRY_DATA;
    t.reply(PATH.inquiry, { ...INQUIRY_OK, bill_amount: undefined, admin_fee: undefined, data });
    const out = await t.client.inquire(REQ);
    expect(out).toMatchObject({ status: "success", bill: { amount: 105_000, adminFee: 0, price: 105_000 } });
  });

  it("refuses amounts that do not add up (SEED-0's own sample) as a bad body", async () => {
    t = setup();
    t.reply(PATH.inquiry, { ...INQUIRY_OK, amount: 10500000, bill_amount: 10500000, admin_fee: 500000 });
    expect(await t.client.inquire(REQ)).toMatchObject({ status: "unavailable", fault: "bad_body" });
  });

  it("refuses an amount with sen as a bad body", async () => {
    t = setup();
    t.reply(PATH.inquiry, { ...INQUIRY_OK, amount: "10500050", bill_amount: undefined, admin_fee: undefined });
    expect(await t.client.inquire(REQ)).toMatchObject({ status: "unavailable", fault: "bad_body" });
  });

  it.each([
    ["number", 405],
    ["string", "405"],
  ])("maps 405 given as a %s to product_unavailable", async (_kind, code) => {
    t = setup();
    t.reply(PATH.inquiry, { rq_uuid: "LOKET0001", rs_datetime: "2025-10-13 13:29:00", error_code: code, error_desc: "product denied" });
    expect(await t.client.inquire(REQ)).toEqual({ status: "rejected", reason: "product_unavailable", code: "0405", message: "product denied" });
  });

  it("passes an unknown code on with the provider's message, from error_message", async () => {
    t = setup();
    t.reply(PATH.inquiry, { error_code: "0014", error_message: "Nomor VA tidak terdaftar" });
    expect(await t.client.inquire(REQ)).toEqual({ status: "rejected", reason: "provider_error", code: "0014", message: "Nomor VA tidak terdaftar" });
  });

  it.each([[31], ["610"], [210]])("treats code %s as Espay unavailable", async (code) => {
    t = setup();
    t.reply(PATH.inquiry, { error_code: code, error_desc: "try later" });
    expect(await t.client.inquire(REQ)).toMatchObject({ status: "unavailable", code: String(code).padStart(4, "0") });
  });

  it("never repeats a secret Espay echoes back", async () => {
    t = setup();
    t.reply(PATH.inquiry, { error_code: "0101", error_desc: `bad password ${SECRETS.password} for key ${SECRETS.signatureKey}` });
    const out = await t.client.inquire(REQ);
    expect(JSON.stringify(out)).not.toContain(SECRETS.password);
    expect(JSON.stringify(out)).not.toContain(SECRETS.signatureKey);
    expect(out).toMatchObject({ status: "rejected", message: "bad password [redacted] for key [redacted]" });
  });

  it.each([
    [500, "http_status"],
    [401, "http_status"],
  ])("treats HTTP %i as unavailable", async (statusCode, fault) => {
    t = setup();
    t.reply(PATH.inquiry, "oops", statusCode);
    expect(await t.client.inquire(REQ)).toMatchObject({ status: "unavailable", fault, code: String(statusCode) });
  });

  it("treats a timeout as unavailable", async () => {
    t = setup({ timeoutMs: 20, connectTimeoutMs: 20 });
    t.reply(PATH.inquiry, INQUIRY_OK).delay(1_000);
    expect(await t.client.inquire(REQ)).toMatchObject({ status: "unavailable", fault: "timeout" });
  });

  it("treats a connection failure as unavailable", async () => {
    t = setup();
    t.pool.intercept({ path: PATH.inquiry, method: "POST" }).replyWithError(new Error("ECONNRESET"));
    expect(await t.client.inquire(REQ)).toMatchObject({ status: "unavailable", fault: "network" });
  });

  it.each([
    ["not JSON", "<html>bad gateway</html>"],
    ["no error_code", { error_desc: "Success" }],
    ["0000 without data", { error_code: "0000", amount: "10500000" }],
    ["0000 without customer_name", { ...INQUIRY_OK, data: { ...INQUIRY_DATA, customer_name: "" } }],
    ["data as a JSON array", { ...INQUIRY_OK, data: "[1,2]" }],
  ])("treats a malformed body (%s) as unavailable", async (_name, body) => {
    t = setup();
    t.reply(PATH.inquiry, body);
    expect(await t.client.inquire(REQ)).toMatchObject({ status: "unavailable", fault: "bad_body" });
  });

  it("serves BPJS Kesehatan for one month only, without calling Espay otherwise", async () => {
    t = setup();
    expect(t.client.supports("bpjs-kesehatan", 1)).toBe(true);
    expect(t.client.supports("bpjs-kesehatan", 2)).toBe(false);
    expect(t.client.supports("bpjs-kesehatan", undefined)).toBe(false);
    expect(t.client.supports("bpjs-ketenagakerjaan", 1)).toBe(false);
    expect(t.client.supports("bpjs-denda", undefined)).toBe(false);
    expect(await t.client.inquire({ ...REQ, months: 3 })).toEqual({ status: "rejected", reason: "product_unavailable" });
    expect(t.calls).toHaveLength(0);
  });

  it("uses a fresh rq_uuid per request by default", async () => {
    t = setup({ newUuid: undefined });
    t.reply(PATH.inquiry, INQUIRY_OK);
    t.reply(PATH.inquiry, INQUIRY_OK);
    await t.client.inquire(REQ);
    await t.client.inquire(REQ);
    const [a, b] = t.calls.map((c) => c.form.get("rq_uuid"));
    expect(a).toMatch(/^LOKET[0-9A-F]{32}$/);
    expect(b).toMatch(/^LOKET[0-9A-F]{32}$/);
    expect(a).not.toBe(b);
  });
});

describe("espay: Espay's own words reach the payer only as a short, clean excerpt", () => {
  it("a 5 KB error_desc is cut to a short excerpt", async () => {
    t = setup();
    t.reply(PATH.inquiry, { error_code: "0014", error_desc: `Nomor VA tidak terdaftar ${"<br/>mohon periksa kembali\n".repeat(200)}` });
    const out = await t.client.inquire(REQ);
    expect(out).toMatchObject({ status: "rejected", reason: "provider_error", code: "0014" });
    const message = "message" in out ? (out.message ?? "") : "";
    expect(message.startsWith("Nomor VA tidak terdaftar mohon periksa kembali")).toBe(true);
    expect(Array.from(message).length).toBeLessThanOrEqual(120);
    expect(message).not.toMatch(/[<>\n]/);
  });

  it("a 5 KB error_desc on a pay is cut too, and the payment stays pending", async () => {
    t = setup();
    t.reply(PATH.pay, { error_code: "0099", error_desc: "x".repeat(5_000), ref_id: "BPJS1" });
    const out = await t.client.pay({ ...REQ, payToken: JSON.stringify({ amount: "10500000", data: INQUIRY_DATA }) });
    expect(out).toMatchObject({ status: "pending", statusKey: "BPJS1", code: "0099" });
    expect(Array.from("message" in out ? (out.message ?? "") : "").length).toBeLessThanOrEqual(120);
  });

  it("a database error is not passed on at all", async () => {
    t = setup();
    t.reply(PATH.inquiry, { error_code: "0014", error_desc: "ORA-01017: invalid username/password; logon denied" });
    expect(await t.client.inquire(REQ)).toEqual({ status: "rejected", reason: "provider_error", code: "0014" });
  });

  it("a 5 KB customer name and receipt note are bounded", async () => {
    t = setup();
    t.reply(PATH.inquiry, { ...INQUIRY_OK, data: { ...INQUIRY_DATA, customer_name: "ONI ".repeat(1_300) } });
    const out = await t.client.inquire(REQ);
    if (out.status !== "success") throw new Error(out.status);
    expect(Array.from(out.bill.name).length).toBeLessThanOrEqual(120);

    t.reply(PATH.pay, { ...PAY_OK, data: { ...PAY_OK.data, catatan: "STRUK SAH ".repeat(500) } });
    const paid = await t.client.pay({ ...REQ, payToken: out.bill.payToken });
    if (paid.status !== "success") throw new Error(paid.status);
    expect(Array.from(paid.receipt.note ?? "").length).toBeLessThanOrEqual(300);
  });
});
