import { afterEach, describe, expect, it } from "vitest";
import { AUTH, setup } from "./setup.ts";

const ORDER = "LK-TOPUP-0001";

let t: ReturnType<typeof setup>;
afterEach(async () => {
  await t.close();
});

const CANCELLED = {
  status_code: "200",
  status_message: "Success, transaction is canceled",
  transaction_id: "249fc620-6017-4540-af7c-5a1c25788f46",
  order_id: ORDER,
  payment_type: "qris",
  transaction_time: "2026-05-12 10:00:00",
  transaction_status: "cancel",
  fraud_status: "accept",
  gross_amount: "30000.00",
};

const EXPIRED = {
  status_code: "407",
  status_message: "Success, transaction has expired",
  transaction_id: "2af158d4-b82e-46ac-808b-be19aaa96ce3",
  order_id: ORDER,
  payment_type: "bank_transfer",
  transaction_time: "2026-05-12 10:00:00",
  transaction_status: "expire",
  gross_amount: "10000.00",
};

const CANNOT_MODIFY = { status_code: "412", status_message: "Merchant cannot modify the status of the transaction" };
const NOT_FOUND = { status_code: "404", status_message: "The requested resource is not found" };

describe("midtrans cancel", () => {
  it("POSTs /v2/{order}/cancel with no body and reads a cancel as cancelled", async () => {
    t = setup();
    t.reply("POST", `/v2/${ORDER}/cancel`, CANCELLED);
    expect(await t.gateway.cancel(ORDER)).toBe("cancelled");
    expect(t.calls[0]).toMatchObject({ method: "POST", body: "" });
    expect(t.calls[0]?.headers.authorization).toBe(AUTH);
  });

  it.each([
    ["412 cannot modify (settled, cancelled)", CANNOT_MODIFY],
    ["407 already expired", EXPIRED],
    ["404 no such order", NOT_FOUND],
    ["200 with another status", { ...CANCELLED, transaction_status: "settlement" }],
  ])("%s is not_pending: the caller reads the status next", async (_name, body) => {
    t = setup();
    t.reply("POST", `/v2/${ORDER}/cancel`, body);
    expect(await t.gateway.cancel(ORDER)).toBe("not_pending");
  });

  it.each([
    ["401", 401, { status_code: "401" }],
    ["HTTP 500", 500, { status_code: "500" }],
    ["body 503", 200, { status_code: "503" }],
    ["not JSON", 200, "nope"],
    ["a redirect", 302, ""],
  ] as const)("%s is unknown", async (_name, code, body) => {
    t = setup();
    t.reply("POST", `/v2/${ORDER}/cancel`, body, code);
    expect(await t.gateway.cancel(ORDER)).toBe("unknown");
  });

  it("asks nothing for an id that is not an order id", async () => {
    t = setup();
    expect(await t.gateway.cancel("../charge")).toBe("unknown");
    expect(t.calls).toHaveLength(0);
  });
});

describe("midtrans expire", () => {
  it("POSTs /v2/{order}/expire and reads 407 expire as expired", async () => {
    t = setup();
    t.reply("POST", `/v2/${ORDER}/expire`, EXPIRED);
    expect(await t.gateway.expire(ORDER)).toBe("expired");
    expect(t.calls[0]).toMatchObject({ method: "POST", path: `/v2/${ORDER}/expire` });
  });

  it("412 and 404 are not_pending; a fault is unknown", async () => {
    t = setup();
    t.reply("POST", `/v2/${ORDER}/expire`, CANNOT_MODIFY);
    expect(await t.gateway.expire(ORDER)).toBe("not_pending");
    t.reply("POST", `/v2/${ORDER}/expire`, NOT_FOUND, 404);
    expect(await t.gateway.expire(ORDER)).toBe("not_pending");
    t.reply("POST", `/v2/${ORDER}/expire`, { status_code: "500" }, 500);
    expect(await t.gateway.expire(ORDER)).toBe("unknown");
    t.reply("POST", `/v2/${ORDER}/expire`, { ...EXPIRED, transaction_status: undefined });
    expect(await t.gateway.expire(ORDER)).toBe("unknown");
  });
});
