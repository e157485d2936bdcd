import { afterEach, describe, expect, it } from "vitest";
import type { ChargeOutcome, TopupMethod } from "../../../src/gateway/port.ts";
import { AUTH, MINUTE, NOW, QRIS_CHARGE_SAMPLE, SERVER_KEY, VA_CHARGE_SAMPLES, chargeRequest, setup } from "./setup.ts";

let t: ReturnType<typeof setup>;
afterEach(async () => {
  await t.close();
});

function noSecrets(outcome: ChargeOutcome): void {
  const text = JSON.stringify(outcome);
  expect(text).not.toContain(SERVER_KEY);
  expect(text).not.toContain(AUTH.slice("Basic ".length));
}

describe("midtrans charge: QRIS", () => {
  it("sends Midtrans' charge body with Basic auth and reads the payload and picture URL of Midtrans' own sample", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", QRIS_CHARGE_SAMPLE);
    const outcome = await t.gateway.charge(chargeRequest({ orderId: "order102", amount: 789_000 }));
    expect(outcome).toEqual({
      status: "created",
      gatewayId: "1015a919-b03f-450a-bc85-b38202a79a96",
      qrPayload: QRIS_CHARGE_SAMPLE.qr_string,
      qrUrl: "https://api.midtrans.com/v2/qris/1015a919-b03f-450a-bc85-b38202a79a96/qr-code",
    });
    const [call] = t.calls;
    expect(call?.headers).toMatchObject({ authorization: AUTH, accept: "application/json", "content-type": "application/json" });
    expect(call?.headers).not.toHaveProperty("x-override-notification");
    expect(JSON.parse(call?.body ?? "")).toEqual({
      payment_type: "qris",
      transaction_details: { order_id: "order102", gross_amount: 789000 },
      custom_expiry: { order_time: "2026-05-12 10:00:00 +0700", expiry_duration: 15, unit: "minute" },
    });
  });

  it("keeps no picture URL that is not an http(s) URL, and needs none", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", { ...QRIS_CHARGE_SAMPLE, actions: [{ name: "generate-qr-code", method: "GET", url: "javascript:alert(1)" }] });
    expect(await t.gateway.charge(chargeRequest({ orderId: "order102" }))).toEqual({
      status: "created",
      gatewayId: QRIS_CHARGE_SAMPLE.transaction_id,
      qrPayload: QRIS_CHARGE_SAMPLE.qr_string,
    });
  });

  it("is unknown when created without a readable qr_string: nothing to scan, and no later call returns it", async () => {
    for (const qr_string of [undefined, "", "x".repeat(2000), "line\nbreak"]) {
      t = setup();
      t.reply("POST", "/v2/charge", { ...QRIS_CHARGE_SAMPLE, qr_string });
      expect(await t.gateway.charge(chargeRequest({ orderId: "order102" }))).toMatchObject({ status: "unknown" });
      await t.close();
    }
    t = setup();
  });

  it("sends X-Override-Notification when given a notification URL", async () => {
    t = setup({ notificationUrl: "https://bot.example/gateway/midtrans" });
    t.reply("POST", "/v2/charge", QRIS_CHARGE_SAMPLE);
    await t.gateway.charge(chargeRequest({ orderId: "order102" }));
    expect(t.calls[0]?.headers["x-override-notification"]).toBe("https://bot.example/gateway/midtrans");
  });
});

describe("midtrans charge: virtual accounts", () => {
  it.each([
    ["bca_va", "bca"],
    ["bni_va", "bni"],
    ["bri_va", "bri"],
  ] as const)("%s: bank_transfer with bank %s, the number from va_numbers[0]", async (method, bank) => {
    t = setup();
    const sample = VA_CHARGE_SAMPLES[bank];
    t.reply("POST", "/v2/charge", sample);
    // Each sample's own amount (BRI's is 20 000): a charge answered for another amount is not created.
    const outcome = await t.gateway.charge(chargeRequest({ orderId: sample.order_id, amount: Number(sample.gross_amount), method }));
    expect(outcome).toEqual({ status: "created", gatewayId: sample.transaction_id, va: { bank, number: sample.va_numbers[0].va_number } });
    expect(JSON.parse(t.calls[0]?.body ?? "")).toMatchObject({ payment_type: "bank_transfer", bank_transfer: { bank } });
  });

  it("permata_va: asks bank_transfer.bank permata and reads permata_va_number, not va_numbers", async () => {
    t = setup();
    const sample = VA_CHARGE_SAMPLES.permata;
    t.reply("POST", "/v2/charge", sample);
    const outcome = await t.gateway.charge(chargeRequest({ orderId: sample.order_id, amount: 44_000, method: "permata_va" }));
    expect(outcome).toEqual({ status: "created", gatewayId: sample.transaction_id, va: { bank: "permata", number: "850003072869607" } });
    expect(JSON.parse(t.calls[0]?.body ?? "")).toMatchObject({ payment_type: "bank_transfer", bank_transfer: { bank: "permata" } });
  });

  it("permata_va: prefers permata_va_number when an answer also carries va_numbers", async () => {
    t = setup();
    const sample = { ...VA_CHARGE_SAMPLES.permata, va_numbers: [{ bank: "permata", va_number: "1111111111" }] };
    t.reply("POST", "/v2/charge", sample);
    expect(await t.gateway.charge(chargeRequest({ orderId: sample.order_id, amount: 44_000, method: "permata_va" }))).toMatchObject({
      va: { bank: "permata", number: "850003072869607" },
    });
  });

  it("is unknown when the VA number is missing, of another bank, or not digits", async () => {
    const broken = [
      { ...VA_CHARGE_SAMPLES.bca, va_numbers: [] },
      { ...VA_CHARGE_SAMPLES.bca, va_numbers: undefined },
      { ...VA_CHARGE_SAMPLES.bca, va_numbers: [{ bank: "bni", va_number: "812785002530231" }] },
      { ...VA_CHARGE_SAMPLES.bca, va_numbers: [{ bank: "bca", va_number: "8127-8500" }] },
      { ...VA_CHARGE_SAMPLES.bca, va_numbers: "812785002530231" },
    ];
    for (const answer of broken) {
      t = setup();
      t.reply("POST", "/v2/charge", answer);
      expect(await t.gateway.charge(chargeRequest({ orderId: answer.order_id, method: "bca_va" }))).toMatchObject({ status: "unknown" });
      await t.close();
    }
    t = setup();
  });
});

describe("midtrans charge: expiry", () => {
  it("asks whole minutes from an order_time that makes the gateway's expiry ours to the second", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", QRIS_CHARGE_SAMPLE);
    await t.gateway.charge(chargeRequest({ orderId: "order102", expiresAt: NOW + 15 * MINUTE + 30_000 }));
    // 10:15:30 WIB = 16 minutes after 09:59:30.
    expect(JSON.parse(t.calls[0]?.body ?? "").custom_expiry).toEqual({ order_time: "2026-05-12 09:59:30 +0700", expiry_duration: 16, unit: "minute" });
  });

  it("rounds a fraction of a second up, never ending before our own expiry", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", QRIS_CHARGE_SAMPLE);
    await t.gateway.charge(chargeRequest({ orderId: "order102", expiresAt: NOW + 20_000 + 400 }));
    expect(JSON.parse(t.calls[0]?.body ?? "").custom_expiry).toEqual({ order_time: "2026-05-12 09:59:21 +0700", expiry_duration: 1, unit: "minute" });
  });
});

describe("midtrans charge: refusals and faults", () => {
  it("reads a refusal from the body's status_code even on HTTP 200 (402: not activated)", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", { status_code: "402", status_message: "Payment channel is not activated.", id: "788e20d7-8fe7-4068-98a8-9bc4139bcd87" });
    expect(await t.gateway.charge(chargeRequest())).toEqual({ status: "refused", code: "402", message: "Payment channel is not activated." });
  });

  it("reads a refusal on an HTTP 4xx too (400 validation, 401 wrong key)", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", { status_code: "400", status_message: "One or more parameters in the payload is invalid." }, 400);
    expect(await t.gateway.charge(chargeRequest())).toMatchObject({ status: "refused", code: "400" });
    t.reply(
      "POST",
      "/v2/charge",
      { status_code: "401", status_message: "Access denied due to unauthorized transaction, please check client or server key" },
      401,
    );
    expect(await t.gateway.charge(chargeRequest())).toMatchObject({ status: "refused", code: "401" });
  });

  it("a denied charge (GoPay deny, code 202) is a refusal", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", {
      status_code: "202",
      status_message: "GO-PAY transaction is rejected",
      transaction_status: "deny",
      channel_response_code: "900",
      order_id: "LK-TOPUP-0001",
    });
    expect(await t.gateway.charge(chargeRequest())).toMatchObject({ status: "refused", code: "202" });
  });

  it("406 (order id already used) is unknown, not refused: an earlier attempt of ours may exist, even paid", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", { status_code: "406", status_message: "order_id has been paid and utilized, please use another order ID" });
    const outcome = await t.gateway.charge(chargeRequest());
    expect(outcome).toMatchObject({ status: "unknown" });
    expect(outcome.status === "unknown" && outcome.message).toContain("406");
  });

  it.each([
    ["HTTP 500", 500, { status_code: "500", status_message: "Sorry, we encountered internal server error." }],
    ["HTTP 503", 503, "Service Unavailable"],
    ["body 500 on HTTP 200", 200, { status_code: "500", status_message: "internal" }],
    ["body 503 on HTTP 200", 200, { status_code: "503", status_message: "bank connection issue" }],
    ["body 505 on HTTP 200", 200, { status_code: "505", status_message: "Unable to create va_number for this transaction" }],
    ["not JSON", 200, "<html>gateway</html>"],
    ["JSON without status_code", 200, { transaction_status: "pending" }],
    ["status_code not three digits", 200, { status_code: "ok" }],
    ["a JSON array", 200, [QRIS_CHARGE_SAMPLE]],
  ] as const)("%s is unknown", async (_name, statusCode, body) => {
    t = setup();
    t.reply("POST", "/v2/charge", body, statusCode);
    expect(await t.gateway.charge(chargeRequest({ orderId: "order102" }))).toMatchObject({ status: "unknown" });
  });

  it("does not follow a redirect: unknown, and the charge is sent once", async () => {
    t = setup();
    t.pool.intercept({ path: "/v2/charge", method: "POST" }).reply(302, "", { headers: { location: "https://api.sandbox.midtrans.test/v2/charge-elsewhere" } });
    expect(await t.gateway.charge(chargeRequest())).toEqual({ status: "unknown", message: "gateway answered a redirect (HTTP 302)" });
    t.agent.assertNoPendingInterceptors();
  });

  it("a timeout is unknown", async () => {
    t = setup({ timeoutMs: 40, connectTimeoutMs: 10 });
    t.pool.intercept({ path: "/v2/charge", method: "POST" }).reply(200, JSON.stringify(QRIS_CHARGE_SAMPLE)).delay(1_000);
    expect(await t.gateway.charge(chargeRequest({ orderId: "order102" }))).toEqual({ status: "unknown", message: "gateway request timed out" });
  });

  it("a refused connection is unknown", async () => {
    t = setup();
    t.pool.intercept({ path: "/v2/charge", method: "POST" }).replyWithError(new Error("connect ECONNREFUSED"));
    expect(await t.gateway.charge(chargeRequest())).toEqual({ status: "unknown", message: "gateway connection failed" });
  });

  it("an answer for another order id is unknown", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", QRIS_CHARGE_SAMPLE);
    expect(await t.gateway.charge(chargeRequest({ orderId: "order103" }))).toMatchObject({ status: "unknown" });
  });

  it("a created answer without a readable transaction_id is unknown", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", { ...QRIS_CHARGE_SAMPLE, transaction_id: "../../etc" });
    expect(await t.gateway.charge(chargeRequest({ orderId: "order102" }))).toMatchObject({ status: "unknown" });
  });

  it("refuses a bad request itself, sending nothing", async () => {
    t = setup();
    const bad = [
      chargeRequest({ orderId: "" }),
      chargeRequest({ orderId: "x".repeat(51) }),
      chargeRequest({ orderId: "order 1" }),
      chargeRequest({ orderId: "order/1" }),
      chargeRequest({ orderId: ".." }),
      chargeRequest({ orderId: "pesanan-ü" }),
      chargeRequest({ amount: 0 }),
      chargeRequest({ amount: -10_000 }),
      chargeRequest({ amount: 10_000.5 }),
      chargeRequest({ amount: Number.NaN }),
      chargeRequest({ amount: 2 ** 60 }),
      chargeRequest({ expiresAt: NOW }),
      chargeRequest({ expiresAt: NOW - MINUTE }),
      chargeRequest({ expiresAt: Number.NaN }),
      chargeRequest({ method: "gopay" as TopupMethod }),
    ];
    for (const req of bad) expect(await t.gateway.charge(req)).toMatchObject({ status: "refused", code: "invalid_request" });
    expect(t.calls).toHaveLength(0);
  });

  it("never repeats the server key, even when the gateway's words contain it", async () => {
    t = setup();
    const b64 = AUTH.slice("Basic ".length);
    t.reply("POST", "/v2/charge", { status_code: "401", status_message: `Access denied for key ${SERVER_KEY} (${b64})` }, 401);
    const refused = await t.gateway.charge(chargeRequest());
    expect(refused).toMatchObject({ status: "refused", code: "401" });
    noSecrets(refused);
    t.reply("POST", "/v2/charge", { status_code: "503", status_message: `upstream said ${SERVER_KEY}` });
    noSecrets(await t.gateway.charge(chargeRequest()));
  });

  it("refuses to be built with an empty key, a base URL with a path, or a notification URL that is not http(s)", () => {
    t = setup();
    expect(() => setup({ serverKey: " " })).toThrow(/server key/);
    expect(() => setup({ baseUrl: "https://api.midtrans.com/v2" })).toThrow(/scheme and host/);
    expect(() => setup({ notificationUrl: "ftp://x" })).toThrow(/notificationUrl/);
  });
});
