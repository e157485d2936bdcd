import { afterEach, describe, expect, it } from "vitest";
import { AUTH, setup, statusAnswer } from "./setup.ts";

const ORDER = "LK-TOPUP-0001";
const PATH = `/v2/${ORDER}/status`;

let t: ReturnType<typeof setup>;
afterEach(async () => {
  await t.close();
});

describe("midtrans status", () => {
  it("reads a settlement with fraud_status accept as paid, with the amount in rupiah and the WIB settlement time", async () => {
    t = setup();
    t.reply("GET", PATH, statusAnswer(ORDER));
    expect(await t.gateway.status(ORDER)).toEqual({
      status: "known",
      state: "paid",
      orderId: ORDER,
      grossAmount: 789_000,
      gatewayId: "1015a919-b03f-450a-bc85-b38202a79a96",
      paidAt: "2021-06-23T15:46:00+07:00",
    });
    expect(t.calls[0]).toMatchObject({ method: "GET", path: PATH });
    expect(t.calls[0]?.headers).toMatchObject({ authorization: AUTH, accept: "application/json" });
  });

  it.each([
    ["pending", undefined, "pending"],
    ["pending", "accept", "pending"],
    ["settlement", undefined, "paid"],
    ["settlement", "challenge", "pending"],
    ["settlement", "deny", "failed"],
    ["capture", "accept", "paid"],
    ["capture", "challenge", "pending"],
    ["capture", undefined, "pending"],
    ["capture", "deny", "failed"],
    ["authorize", undefined, "pending"],
    ["expire", "accept", "expired"],
    ["cancel", "accept", "cancelled"],
    ["deny", "accept", "failed"],
    ["failure", undefined, "failed"],
    ["refund", "accept", "refunded"],
    ["partial_refund", "accept", "refunded"],
    ["chargeback", "accept", "refunded"],
    ["partial_chargeback", "accept", "refunded"],
    [" Settlement ", "ACCEPT", "paid"],
  ] as const)("transaction_status %s with fraud_status %s is %s", async (transaction_status, fraud_status, state) => {
    t = setup();
    t.reply("GET", PATH, statusAnswer(ORDER, { transaction_status, fraud_status, status_code: transaction_status === "pending" ? "201" : "200" }));
    expect(await t.gateway.status(ORDER)).toMatchObject({ status: "known", state });
  });

  it("takes the state from transaction_status, not status_code: 200 on a pending order is still pending", async () => {
    t = setup();
    t.reply("GET", PATH, statusAnswer(ORDER, { status_code: "200", transaction_status: "pending", settlement_time: undefined }));
    expect(await t.gateway.status(ORDER)).toMatchObject({ state: "pending" });
    expect(await statusOf({ status_code: "201", transaction_status: "settlement" })).toMatchObject({ state: "paid" });
  });

  it("a blank, missing or unheard-of transaction_status is unknown, never paid", async () => {
    for (const transaction_status of [undefined, null, "", "  ", "paid", "success", "SETTLED"]) {
      expect(await statusOf({ transaction_status })).toMatchObject({ status: "unknown" });
    }
    expect(await statusOf({ transaction_status: "settlement", fraud_status: "review" })).toMatchObject({ status: "unknown" });
  });

  it("a Midtrans 404 body is not_found, on HTTP 404 or 200", async () => {
    t = setup();
    t.reply("GET", PATH, { status_code: "404", status_message: "The requested resource is not found" }, 404);
    expect(await t.gateway.status(ORDER)).toEqual({ status: "known", state: "not_found", orderId: ORDER });
    t.reply("GET", PATH, { status_code: "404", status_message: "The requested resource is not found" });
    expect(await t.gateway.status(ORDER)).toEqual({ status: "known", state: "not_found", orderId: ORDER });
  });

  it("an HTTP 404 that is not a Midtrans answer (a wrong host) is unknown, not not_found", async () => {
    t = setup();
    t.reply("GET", PATH, "<html>Not Found</html>", 404);
    expect(await t.gateway.status(ORDER)).toMatchObject({ status: "unknown" });
  });

  it("407 is expired, with or without a transaction_status", async () => {
    expect(await statusOf({ status_code: "407", transaction_status: "expire", settlement_time: undefined })).toMatchObject({
      state: "expired",
      grossAmount: 789_000,
    });
    expect(await statusOf({ status_code: "407", transaction_status: undefined })).toMatchObject({ state: "expired" });
    // A 407 that claims a settlement is not believed either way.
    expect(await statusOf({ status_code: "407", transaction_status: "settlement" })).toMatchObject({ status: "unknown" });
  });

  it("reads gross_amount strictly: whole rupiah or nothing", async () => {
    expect(await statusOf({ gross_amount: "10000" })).toMatchObject({ grossAmount: 10_000 });
    expect(await statusOf({ gross_amount: "10000.0" })).toMatchObject({ grossAmount: 10_000 });
    for (const gross_amount of ["10000.5", "10000.50", "", " 10000.00", "-10000.00", "0.00", "1e4", "10,000.00", "10.000", "Rp10000", 10000]) {
      expect(await statusOf({ gross_amount })).toMatchObject({ status: "unknown" });
    }
  });

  it("a paid answer without gross_amount is unknown: the amount is what a credit is checked against", async () => {
    expect(await statusOf({ gross_amount: undefined })).toMatchObject({ status: "unknown" });
    expect(await statusOf({ gross_amount: undefined, transaction_status: "pending" })).toEqual({
      status: "known",
      state: "pending",
      orderId: ORDER,
      gatewayId: "1015a919-b03f-450a-bc85-b38202a79a96",
    });
  });

  it("reports a fee-inclusive gross_amount as the gateway gives it (fee imposition), never the original amount", async () => {
    expect(
      await statusOf({
        gross_amount: "794523.00",
        metadata: { extra_info: { gross_amount_info: { original_amount: "789000.00", gross_amount: "794523.00", customer_imposed_payment_fee: "5523.00" } } },
      }),
    ).toMatchObject({ state: "paid", grossAmount: 794_523 });
  });

  it("an answer for another order id is unknown", async () => {
    expect(await statusOf({ order_id: "LK-TOPUP-0002" })).toMatchObject({ status: "unknown" });
  });

  it.each([
    ["401 wrong key", 401, { status_code: "401", status_message: "Access denied due to unauthorized transaction" }],
    ["HTTP 500", 500, { status_code: "500" }],
    ["body 503", 200, { status_code: "503", status_message: "bank connection issue" }],
    ["HTTP 301", 301, ""],
    ["not JSON", 200, "{"],
  ] as const)("%s is unknown", async (_name, code, body) => {
    t = setup();
    t.reply("GET", PATH, body, code);
    expect(await t.gateway.status(ORDER)).toMatchObject({ status: "unknown" });
  });

  it("a paidAt is given only for a settled order, and only from a well-formed time", async () => {
    expect(await statusOf({ settlement_time: "23/06/2021 15:46" })).not.toHaveProperty("paidAt");
    expect(await statusOf({ transaction_status: "pending", settlement_time: "2021-06-23 15:46:00" })).not.toHaveProperty("paidAt");
  });

  it("puts Midtrans' allowed symbols in the path, and asks nothing for an id that is not an order id", async () => {
    t = setup();
    t.reply("GET", "/v2/LK~1.a_b-c/status", statusAnswer("LK~1.a_b-c"));
    expect(await t.gateway.status("LK~1.a_b-c")).toMatchObject({ state: "paid" });
    for (const id of ["", "..", ".", "a/b", "a b", "x".repeat(51), "a?b=c"]) expect(await t.gateway.status(id)).toMatchObject({ status: "unknown" });
    expect(t.calls).toHaveLength(1);
  });
});

async function statusOf(extra: Record<string, unknown>) {
  t = setup();
  t.reply("GET", PATH, statusAnswer(ORDER, extra));
  const outcome = await t.gateway.status(ORDER);
  await t.close();
  t = setup();
  return outcome;
}
