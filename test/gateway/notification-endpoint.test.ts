import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { botWithGateway, creditsOf, lastOrder, notify } from "../helpers/topups.ts";
import { MAX_NOTIFICATION_BYTES } from "../../src/gateway/notification-endpoint.ts";
import type { Harness } from "../helpers/app-harness.ts";

const rows = (h: Harness) => (h.app.db.prepare("SELECT COUNT(*) AS n FROM gateway_notifications").get() as { n: number }).n;

describe("the gateway notification endpoint (/gateway/midtrans)", () => {
  it("a forged signature is 401 and changes nothing: nothing stored, the gateway not even asked", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7501");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    expect((await notify(url, gw.forged(order.order_id))).status).toBe(401);
    // A genuine signature over other values: the amount or the status code changed after signing.
    const genuine = gw.notification(order.order_id);
    expect((await notify(url, { ...genuine, gross_amount: "1000000.00" })).status).toBe(401);
    expect((await notify(url, { ...genuine, status_code: "201" })).status).toBe(401);
    expect((await notify(url, { ...genuine, signature_key: undefined })).status).toBe(401);
    expect((await notify(url, { ...genuine, signature_key: "00" })).status).toBe(401);
    await h.settle();
    expect(rows(h)).toBe(0);
    expect(gw.callsOf("status")).toBe(0);
    expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({ status: "pending", notified_at: null });
    expect(creditsOf(h, order.order_id)).toBe(0);
  });

  it("a genuine notification for an order that is not ours is 404 and changes nothing", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    gw.orders.set("LTNOTOURS00000", { orderId: "LTNOTOURS00000", amount: 10_000, method: "qris", state: "paid", gatewayId: "gw" });
    expect((await notify(url, gw.notification("LTNOTOURS00000"))).status).toBe(404);
    expect((await notify(url, gw.notification("a/b?c"))).status).toBe(404);
    expect((await notify(url, gw.notification("x".repeat(51)))).status).toBe(404);
    await h.settle();
    expect(rows(h)).toBe(0);
    expect(gw.callsOf("status")).toBe(0);
  });

  it("junk, empty, non-object and oversized bodies are 4xx; other methods 405", async ({ bot }) => {
    const { h, url } = await botWithGateway(bot);
    expect((await notify(url, "not json")).status).toBe(400);
    expect((await notify(url, "")).status).toBe(400);
    expect((await notify(url, "[1,2]")).status).toBe(400);
    expect((await notify(url, "null")).status).toBe(400);
    expect((await notify(url, '"settlement"')).status).toBe(400);
    expect((await notify(url, { order_id: 5 })).status).toBe(401);
    expect((await notify(url, JSON.stringify({ pad: "x".repeat(MAX_NOTIFICATION_BYTES) }))).status).toBe(413);
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(`${url}/extra`, { method: "PUT", body: "{}" })).status).toBe(405);
    expect(rows(h)).toBe(0);
  });

  it("never leaks a stack trace; a notification that cannot be stored is 500, so the gateway sends it again", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7502");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    const record = h.app.repos.gatewayNotifications.record;
    h.app.repos.gatewayNotifications.record = () => {
      throw new Error("SQLITE_FULL: database or disk is full at secret/path.ts:12");
    };
    const res = await notify(url, gw.notification(order.order_id));
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain("SQLITE");
    h.app.repos.gatewayNotifications.record = record;
    expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    await h.settle();
    expect(rows(h)).toBe(1);
  });

  it("a replayed notification (the same bytes) is answered 200 and stored and confirmed once", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7503");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    const body = JSON.stringify(gw.notification(order.order_id));
    const answers = await Promise.all([notify(url, body), notify(url, body), notify(url, body)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await h.settle();
    expect(rows(h)).toBe(1);
    expect(gw.callsOf("status")).toBe(1);
    expect(creditsOf(h, order.order_id)).toBe(1);
    // Replayed a day later: still nothing new.
    h.clock.advance(86_400_000);
    expect((await notify(url, body)).status).toBe(200);
    await h.settle();
    expect(gw.callsOf("status")).toBe(1);
    expect(creditsOf(h, order.order_id)).toBe(1);
  });

  it("answers before the status API does: the confirmation runs after the answer", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7504");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    const held = gw.holdStatus();
    const res = await notify(url, gw.notification(order.order_id));
    expect(res.status).toBe(200);
    // Stored and marked for confirmation before the answer; the status call is still waiting.
    expect(rows(h)).toBe(1);
    expect(h.app.repos.topupOrders.get(order.order_id)!.notified_at).not.toBeNull();
    await held.arrived;
    expect(creditsOf(h, order.order_id)).toBe(0);
    held.release();
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(h.app.repos.topupOrders.get(order.order_id)!.notified_at).toBeNull();
  });
  it("stores a genuine notification in a durable commit before its 200 (a 200 stops the gateway's retries)", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7505");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    const commits = h.app.commits;
    const run = commits.run.bind(commits);
    const durable: boolean[] = [];
    commits.run = (work, options) => {
      durable.push(options?.durable === true);
      return run(work, options);
    };
    try {
      expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    } finally {
      commits.run = run;
    }
    // The first commit is the endpoint's own (the confirmation's come after the answer).
    expect(durable[0]).toBe(true);
    expect(rows(h)).toBe(1);
  });
});
