import { describe, expect, it } from "vitest";
import { createSimulatorGateway } from "../../../src/gateway/simulator/client.ts";
import { amountFor } from "../../../src/gateway/simulator/scenarios.ts";
import { hasValidCrc, parseEmv } from "../../../src/gateway/simulator/qris.ts";
import { startGatewaySimulator } from "../../../src/gateway/simulator/server.ts";
import { MINUTE, PAY_AFTER_MS, SECOND, T0, orderId, setup, startReceiver } from "./harness.ts";

/**
 * The real Midtrans client against the gateway simulator over loopback: every answer the client
 * reads here was written by the simulator, every notification checked with the client's own
 * verifyNotification.
 */

describe("gateway simulator: the paid path", () => {
  it("charge → pending → the payer pays after the delay → paid, with signed notifications the client accepts", async () => {
    const h = await setup();
    const id = orderId();
    const charged = await h.gateway.charge({ orderId: id, amount: 50_000, method: "qris", expiresAt: T0 + 15 * MINUTE });
    expect(charged).toMatchObject({ status: "created", gatewayId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    if (charged.status !== "created") throw new Error("not created");
    const payload = charged.qrPayload ?? "";
    expect(hasValidCrc(payload)).toBe(true);
    expect(parseEmv(payload)?.get("54")).toBe("50000.00");
    expect(parseEmv(payload)?.get("01")).toBe("12");
    expect(charged.qrUrl).toBe(`${h.sim.url}/v2/qris/${charged.gatewayId}/qr-code`);

    expect(await h.gateway.status(id)).toEqual({ status: "known", state: "pending", orderId: id, grossAmount: 50_000, gatewayId: charged.gatewayId });
    await h.advance(PAY_AFTER_MS - 1);
    expect(await h.gateway.status(id)).toMatchObject({ state: "pending" });

    await h.advance(1);
    expect(await h.gateway.status(id)).toEqual({
      status: "known",
      state: "paid",
      orderId: id,
      grossAmount: 50_000,
      gatewayId: charged.gatewayId,
      paidAt: "2026-05-12T10:00:05+07:00",
    });
    const bodies = h.receiver.received.map((r) => r.body);
    expect(bodies.map((b) => [b["order_id"], b["transaction_status"], b["status_code"], b["gross_amount"]])).toEqual([
      [id, "pending", "201", "50000.00"],
      [id, "settlement", "200", "50000.00"],
    ]);
    for (const r of h.receiver.received) {
      expect(h.gateway.verifyNotification(r.body)).toEqual({ valid: true, orderId: id });
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.path).toBe("/gateway/midtrans");
    }
    expect(bodies[1]).toMatchObject({
      settlement_time: "2026-05-12 10:00:05",
      fraud_status: "accept",
      transaction_id: charged.gatewayId,
      payment_type: "qris",
    });
  });

  it("pays now on demand (the console's and the CLI's `gateway pay`), once", async () => {
    const h = await setup({ payAfterMs: 60 * MINUTE });
    const id = orderId();
    await h.charge({ orderId: id });
    expect(h.sim.pay(id)).toMatchObject({ outcome: "paid", order: { orderId: id, status: "settlement" } });
    expect(h.sim.pay(id)).toMatchObject({ outcome: "not_pending", order: { status: "settlement" } });
    expect(h.sim.pay("LK-NO-SUCH")).toEqual({ outcome: "not_found" });
    await h.sim.tick();
    expect(await h.gateway.status(id)).toMatchObject({ state: "paid" });
    expect(h.receiver.received.map((r) => r.body["transaction_status"])).toEqual(["pending", "settlement"]);
  });

  it.each([
    ["bca_va", "bca"],
    ["bni_va", "bni"],
    ["bri_va", "bri"],
    ["permata_va", "permata"],
  ] as const)("%s: a VA number, paid, notified in that bank's shape", async (method, bank) => {
    const h = await setup();
    const id = orderId();
    const charged = await h.charge({ orderId: id, method, amount: 125_000 });
    expect(charged).toMatchObject({ status: "created", va: { bank, number: expect.stringMatching(/^\d{15,16}$/) } });
    await h.advance(PAY_AFTER_MS);
    expect(await h.gateway.status(id)).toMatchObject({ state: "paid", grossAmount: 125_000 });
    const settled = h.receiver.received.at(-1)?.body ?? {};
    expect(h.gateway.verifyNotification(settled)).toEqual({ valid: true, orderId: id });
    const number = charged.status === "created" ? charged.va?.number : undefined;
    if (bank === "permata") {
      expect(settled).toMatchObject({ payment_type: "bank_transfer", permata_va_number: number });
      expect(settled).not.toHaveProperty("va_numbers");
    } else {
      expect(settled).toMatchObject({ va_numbers: [{ bank, va_number: number }], payment_amounts: [{ amount: "125000.00" }] });
    }
  });

  it("gives every VA its own number", async () => {
    const h = await setup();
    const numbers = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const c = await h.charge({ method: "bca_va" });
      if (c.status === "created" && c.va !== undefined) numbers.add(c.va.number);
    }
    expect(numbers.size).toBe(5);
  });

  it("serves the QR picture at the generate-qr-code URL", async () => {
    const h = await setup();
    const charged = await h.charge();
    const res = await fetch(charged.status === "created" ? (charged.qrUrl ?? "") : "");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
  });
});

describe("gateway simulator: the other scenarios", () => {
  it("never paid: pending until its expiry, then expired (status 407), with an expire notification", async () => {
    const h = await setup();
    const id = orderId();
    await h.charge({ orderId: id, amount: amountFor("never_pay", 20_000), expiresAt: T0 + 15 * MINUTE });
    await h.advance(15 * MINUTE - SECOND);
    expect(await h.gateway.status(id)).toMatchObject({ state: "pending" });
    await h.advance(SECOND);
    expect(await h.gateway.status(id)).toMatchObject({ state: "expired", grossAmount: 20_001 });
    const last = h.receiver.received.at(-1)?.body ?? {};
    expect(last).toMatchObject({ transaction_status: "expire", status_code: "202", order_id: id });
    expect(h.gateway.verifyNotification(last)).toEqual({ valid: true, orderId: id });
  });

  it("the expiry comes from the charge's custom_expiry (to the second), not from a default", async () => {
    const h = await setup({ payAfterMs: 60 * MINUTE });
    const id = orderId();
    await h.charge({ orderId: id, expiresAt: T0 + 2 * MINUTE + 30 * SECOND });
    await h.advance(2 * MINUTE + 29 * SECOND);
    expect(await h.gateway.status(id)).toMatchObject({ state: "pending" });
    await h.advance(SECOND);
    expect(await h.gateway.status(id)).toMatchObject({ state: "expired" });
  });

  it("paid and notified twice: two identical, valid settlement notifications", async () => {
    const h = await setup();
    const id = orderId();
    await h.charge({ orderId: id, amount: amountFor("notify_twice") });
    await h.advance(PAY_AFTER_MS);
    const settled = h.receiver.received.filter((r) => r.body["transaction_status"] === "settlement");
    expect(settled).toHaveLength(2);
    expect(settled[0]?.raw).toBe(settled[1]?.raw);
    for (const r of settled) expect(h.gateway.verifyNotification(r.body)).toEqual({ valid: true, orderId: id });
  });

  it("notification before the charge answer: the pending notification has arrived when charge() returns", async () => {
    const h = await setup();
    const id = orderId();
    let chargeReturned = false;
    let seenBeforeReturn = false;
    h.receiver.onReceive = (r) => {
      if (r.body["order_id"] === id) seenBeforeReturn = !chargeReturned;
    };
    const charged = await h.charge({ orderId: id, amount: amountFor("notify_first") });
    chargeReturned = true;
    expect(charged).toMatchObject({ status: "created" });
    expect(seenBeforeReturn).toBe(true);
    expect(h.receiver.received.map((r) => r.body["transaction_status"])).toEqual(["pending"]);
    expect(h.gateway.verifyNotification(h.receiver.received[0]?.body)).toEqual({ valid: true, orderId: id });
    await h.advance(PAY_AFTER_MS);
    expect(await h.gateway.status(id)).toMatchObject({ state: "paid" });
  });

  it("a forged settlement notification: rejected by verifyNotification, and the order is in fact unpaid", async () => {
    const h = await setup();
    const id = orderId();
    await h.charge({ orderId: id, amount: amountFor("forged_notification") });
    await h.advance(PAY_AFTER_MS);
    const forged = h.receiver.received.find((r) => r.body["transaction_status"] === "settlement");
    expect(forged?.body).toMatchObject({ order_id: id, status_code: "200", signature_key: expect.stringMatching(/^[0-9a-f]{128}$/) });
    expect(h.gateway.verifyNotification(forged?.body)).toEqual({ valid: false });
    expect(await h.gateway.status(id)).toMatchObject({ state: "pending" });
  });

  it("paid late: expires (notified), then is paid after its expiry (notified), and the status says paid", async () => {
    const h = await setup();
    const id = orderId();
    await h.charge({ orderId: id, amount: amountFor("pay_late"), expiresAt: T0 + 15 * MINUTE });
    await h.advance(15 * MINUTE);
    expect(await h.gateway.status(id)).toMatchObject({ state: "expired" });
    await h.advance(PAY_AFTER_MS);
    expect(await h.gateway.status(id)).toMatchObject({ state: "paid", paidAt: "2026-05-12T10:15:05+07:00" });
    expect(h.receiver.received.map((r) => r.body["transaction_status"])).toEqual(["pending", "expire", "settlement"]);
    for (const r of h.receiver.received) expect(h.gateway.verifyNotification(r.body)).toMatchObject({ valid: true });
  });

  it("a reversal: paid, then denied (settlement → deny, as Permata can)", async () => {
    const h = await setup();
    const id = orderId();
    await h.charge({ orderId: id, amount: amountFor("reversal"), method: "permata_va" });
    await h.advance(PAY_AFTER_MS);
    expect(await h.gateway.status(id)).toMatchObject({ state: "paid" });
    await h.advance(PAY_AFTER_MS);
    expect(await h.gateway.status(id)).toMatchObject({ state: "failed" });
    expect(h.receiver.received.map((r) => r.body["transaction_status"])).toEqual(["pending", "settlement", "deny"]);
  });

  it("a refused charge (402, not activated) creates nothing", async () => {
    const h = await setup();
    const id = orderId();
    expect(await h.charge({ orderId: id, amount: amountFor("refuse_charge") })).toEqual({
      status: "refused",
      code: "402",
      message: "Payment channel is not activated.",
    });
    expect(await h.gateway.status(id)).toEqual({ status: "known", state: "not_found", orderId: id });
  });

  it("a lost charge answer: unknown to the client, yet the order exists, pending, and can be cancelled", async () => {
    const h = await setup();
    const id = orderId();
    expect(await h.charge({ orderId: id, amount: amountFor("lose_charge_answer") })).toMatchObject({ status: "unknown" });
    expect(await h.gateway.status(id)).toMatchObject({ state: "pending" });
    expect(await h.gateway.cancel(id)).toBe("cancelled");
    expect(await h.gateway.status(id)).toMatchObject({ state: "cancelled" });
  });

  it("the next charge's scenario can be set, for amounts in whole thousands", async () => {
    const h = await setup();
    h.sim.setNextScenario("never_pay");
    const id = orderId();
    await h.charge({ orderId: id, amount: 50_000 });
    const other = orderId();
    await h.charge({ orderId: other, amount: 50_000 });
    await h.advance(PAY_AFTER_MS);
    expect(await h.gateway.status(id)).toMatchObject({ state: "pending" });
    expect(await h.gateway.status(other)).toMatchObject({ state: "paid" });
  });
});

describe("gateway simulator: order ids, cancel, expire", () => {
  it("refuses a second charge of a pending or paid order id (406), and allows one after a cancel", async () => {
    const h = await setup({ payAfterMs: 60 * MINUTE });
    const id = orderId();
    const first = await h.charge({ orderId: id });
    const again = await h.charge({ orderId: id });
    expect(again).toMatchObject({ status: "unknown", message: expect.stringContaining("406") });
    expect(await h.gateway.cancel(id)).toBe("cancelled");
    expect(await h.gateway.cancel(id)).toBe("not_pending");
    const third = await h.charge({ orderId: id });
    expect(third).toMatchObject({ status: "created" });
    expect(third.status === "created" && first.status === "created" && third.gatewayId !== first.gatewayId).toBe(true);
    expect(await h.gateway.status(id)).toMatchObject({ state: "pending", gatewayId: third.status === "created" ? third.gatewayId : "" });
  });

  it("expire forces a pending order to expire (407); a paid one cannot be expired or cancelled (412)", async () => {
    const h = await setup({ payAfterMs: 60 * MINUTE });
    const pending = orderId();
    await h.charge({ orderId: pending });
    expect(await h.gateway.expire(pending)).toBe("expired");
    expect(await h.gateway.status(pending)).toMatchObject({ state: "expired" });
    const paid = orderId();
    await h.charge({ orderId: paid });
    h.sim.pay(paid);
    expect(await h.gateway.expire(paid)).toBe("not_pending");
    expect(await h.gateway.cancel(paid)).toBe("not_pending");
    expect(await h.gateway.expire("LK-NEVER-CHARGED")).toBe("not_pending");
    await h.sim.tick();
    expect(h.receiver.received.filter((r) => r.body["order_id"] === pending).map((r) => r.body["transaction_status"])).toEqual(["pending", "expire"]);
  });

  it("answers a transaction id as well as an order id", async () => {
    const h = await setup();
    const charged = await h.charge();
    const res = await fetch(`${h.sim.url}/v2/${charged.status === "created" ? charged.gatewayId : ""}/status`, {
      headers: { authorization: `Basic ${Buffer.from(`${h.sim.serverKey}:`).toString("base64")}` },
    });
    expect(await res.json()).toMatchObject({ status_code: "201", transaction_status: "pending" });
  });

  it("refuses a client with the wrong key (401), which the client reads as refused / unknown", async () => {
    const h = await setup();
    const wrong = createSimulatorGateway({ baseUrl: h.sim.url, serverKey: "SB-Mid-server-wrong", now: h.clock.now });
    try {
      expect(await wrong.charge({ orderId: orderId(), amount: 10_000, method: "qris", expiresAt: T0 + MINUTE })).toMatchObject({
        status: "refused",
        code: "401",
      });
      expect(await wrong.status("x")).toMatchObject({ status: "unknown" });
    } finally {
      await wrong.close();
    }
    expect(h.sim.orders()).toHaveLength(0);
  });
});

describe("gateway simulator: restarts and deliveries", () => {
  it("keeps its orders across a restart, and applies what fell due while it was down", async () => {
    const h = await setup();
    const paidWhileDown = orderId();
    const stillPending = orderId();
    await h.charge({ orderId: paidWhileDown });
    await h.charge({ orderId: stillPending, amount: amountFor("never_pay") });
    await h.sim.tick();
    await h.sim.close();
    h.clock.advance(PAY_AFTER_MS);
    await h.restart();
    expect(await h.gateway.status(paidWhileDown)).toMatchObject({ state: "paid", paidAt: "2026-05-12T10:00:05+07:00" });
    expect(await h.gateway.status(stillPending)).toMatchObject({ state: "pending" });
    await h.sim.tick();
    expect(h.receiver.received.filter((r) => r.body["order_id"] === paidWhileDown).map((r) => r.body["transaction_status"])).toEqual(["pending", "settlement"]);
  });

  it("keeps the pay delay and the next scenario across a restart", async () => {
    const h = await setup();
    h.sim.setPayAfterMs(42_000);
    h.sim.setNextScenario("never_pay");
    await h.restart({ payAfterMs: undefined });
    expect(h.sim.payAfterMs()).toBe(42_000);
    const id = orderId();
    await h.charge({ orderId: id });
    await h.advance(60_000);
    expect(await h.gateway.status(id)).toMatchObject({ state: "pending" });
  });

  it("retries a refused notification on Midtrans' schedule until it is taken", async () => {
    const h = await setup();
    h.receiver.status = 503;
    const id = orderId();
    await h.charge({ orderId: id, amount: amountFor("never_pay") });
    await h.sim.tick();
    expect(h.sim.notifications()).toEqual([
      expect.objectContaining({ kind: "pending", attempts: 1, deliveredAt: null, lastResult: "HTTP 503", dueAt: T0 + 2 * MINUTE }),
    ]);
    await h.advance(2 * MINUTE - 1);
    expect(h.receiver.received).toHaveLength(1);
    h.receiver.status = 200;
    await h.advance(1);
    expect(h.receiver.received).toHaveLength(2);
    expect(h.sim.notifications()).toEqual([expect.objectContaining({ attempts: 2, deliveredAt: T0 + 2 * MINUTE, dueAt: null, lastResult: "HTTP 200" })]);
  });

  it("does not retry after a 301/302/303, as Midtrans would not", async () => {
    const h = await setup();
    h.receiver.status = 302;
    await h.charge({ amount: amountFor("never_pay") });
    await h.sim.tick();
    expect(h.sim.notifications()).toEqual([expect.objectContaining({ attempts: 1, dueAt: null, deliveredAt: null, lastResult: "HTTP 302" })]);
  });

  it("sends to the charge's X-Override-Notification URL rather than its own", async () => {
    const h = await setup();
    const other = await startReceiver();
    const gateway = createSimulatorGateway({ baseUrl: h.sim.url, notificationUrl: other.url, now: h.clock.now });
    try {
      const id = orderId();
      await gateway.charge({ orderId: id, amount: 10_000, method: "qris", expiresAt: T0 + 15 * MINUTE });
      await h.sim.tick();
      expect(other.received.map((r) => r.body["order_id"])).toEqual([id]);
      expect(h.receiver.received).toHaveLength(0);
    } finally {
      await gateway.close();
      await other.close();
    }
  });
});

describe("gateway simulator: on its own clock", () => {
  it("pays and notifies by itself, with no tick() from anyone (the background pass)", async () => {
    const receiver = await startReceiver();
    const sim = await startGatewaySimulator({ dbPath: ":memory:", tickMs: 10, payAfterMs: 0, notifyUrl: receiver.url });
    const gateway = createSimulatorGateway({ baseUrl: sim.url });
    try {
      const id = orderId();
      const settled = new Promise<Record<string, unknown>>((resolve) => {
        receiver.onReceive = (r) => {
          if (r.body["transaction_status"] === "settlement") resolve(r.body);
        };
      });
      await gateway.charge({ orderId: id, amount: 10_000, method: "qris", expiresAt: Date.now() + 15 * MINUTE });
      expect(gateway.verifyNotification(await settled)).toEqual({ valid: true, orderId: id });
    } finally {
      await gateway.close();
      await sim.close();
      await receiver.close();
    }
  });
});
