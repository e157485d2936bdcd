import { describe, expect, it } from "vitest";
import { amountFor } from "../../../src/gateway/simulator/scenarios.ts";
import { MINUTE, orderId, setup } from "./harness.ts";

/** The /__sim/* endpoints other processes (the console, a standalone run, scripts) use. */

async function call(url: string, method: "GET" | "POST", body?: object): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
  return { status: res.status, json: await res.json() };
}

describe("gateway simulator controls", () => {
  it("POST /__sim/pay pays now and has delivered the notification when it answers", async () => {
    const h = await setup({ payAfterMs: 60 * MINUTE });
    const id = orderId();
    await h.charge({ orderId: id, amount: 30_000 });
    const paid = await call(`${h.sim.url}/__sim/pay`, "POST", { order_id: id });
    expect(paid).toMatchObject({ status: 200, json: { outcome: "paid", order: { orderId: id, amount: 30_000, status: "settlement" } } });
    expect(h.receiver.received.map((r) => r.body["transaction_status"])).toEqual(["pending", "settlement"]);
    expect(await call(`${h.sim.url}/__sim/pay`, "POST", { order_id: id })).toMatchObject({ status: 409, json: { outcome: "not_pending" } });
    expect(await call(`${h.sim.url}/__sim/pay`, "POST", { order_id: "LK-NOPE" })).toMatchObject({ status: 404, json: { outcome: "not_found" } });
    expect(await call(`${h.sim.url}/__sim/pay`, "POST", { order: id })).toMatchObject({ status: 400 });
  });

  it("pays an expired order only when asked to pay late", async () => {
    const h = await setup();
    const id = orderId();
    await h.charge({ orderId: id, amount: amountFor("never_pay"), expiresAt: h.clock.now() + MINUTE });
    await h.advance(MINUTE);
    expect(await call(`${h.sim.url}/__sim/pay`, "POST", { order_id: id })).toMatchObject({ status: 409, json: { order: { status: "expire" } } });
    expect(await call(`${h.sim.url}/__sim/pay`, "POST", { order_id: id, late: true })).toMatchObject({ status: 200, json: { outcome: "paid" } });
    expect(await h.gateway.status(id)).toMatchObject({ state: "paid" });
  });

  it("lists orders and notifications, and sets the delay and the next scenario", async () => {
    const h = await setup();
    expect(await call(`${h.sim.url}/__sim/pay-after`, "GET")).toEqual({ status: 200, json: { ms: 5_000 } });
    expect(await call(`${h.sim.url}/__sim/pay-after`, "POST", { ms: 1_500 })).toEqual({ status: 200, json: { ms: 1_500 } });
    expect(await call(`${h.sim.url}/__sim/pay-after`, "POST", { ms: -1 })).toMatchObject({ status: 400 });
    expect(await call(`${h.sim.url}/__sim/scenario`, "POST", { scenario: "nope" })).toMatchObject({ status: 400 });
    expect(await call(`${h.sim.url}/__sim/scenario`, "POST", { scenario: "never_pay" })).toEqual({ status: 200, json: { scenario: "never_pay" } });
    const id = orderId();
    await h.charge({ orderId: id, method: "bni_va" });
    expect(await call(`${h.sim.url}/__sim/scenario`, "GET")).toEqual({ status: 200, json: { scenario: null } });
    const orders = await call(`${h.sim.url}/__sim/orders`, "GET");
    expect(orders.json).toEqual([
      expect.objectContaining({ orderId: id, method: "bni_va", status: "pending", scenario: "never_pay", payAt: null, vaNumber: expect.any(String) }),
    ]);
    expect(await call(`${h.sim.url}/__sim/tick`, "POST")).toEqual({ status: 200, json: { ok: true } });
    const notifications = await call(`${h.sim.url}/__sim/notifications`, "GET");
    expect(notifications.json).toEqual([expect.objectContaining({ kind: "pending", url: h.receiver.url, attempts: 1, lastResult: "HTTP 200" })]);
    expect(await call(`${h.sim.url}/__sim/nothing`, "GET")).toMatchObject({ status: 404 });
  });
});
