import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { inTransaction } from "../../src/db/open.ts";
import { checkInvariants, fakeClock, type Harness, type PayerDriver } from "../helpers/app-harness.ts";
import { balanceOf, botWithGateway, creditsOf, lastOrder, notify, userIdOf } from "../helpers/topups.ts";
import { createFakeGateway } from "../fakes/fake-gateway.ts";
import { CHARGE_GRACE_MS } from "../../src/domain/topups/topup-check-schedule.ts";

function files() {
  const dir = mkdtempSync(join(tmpdir(), "loket-topup-restart-"));
  return { databasePath: join(dir, "loket.db"), simulatorDbPath: join(dir, "sim.db") };
}

function payCount(h: Harness): number {
  return h.app.simulator!.payCalls().reduce((n, c) => n + c.payCount, 0);
}

function sentTo(h: Harness, address: string): string[] {
  return h.sent.filter((s) => s.address === address).map((s) => s.message.text);
}

/** A process started anew on the same files: recovery, then the poller's first round. */
async function restart(
  bot: Parameters<typeof botWithGateway>[0],
  f: ReturnType<typeof files>,
  clock: ReturnType<typeof fakeClock>,
  gw: ReturnType<typeof createFakeGateway>,
  env: Record<string, string> = {},
) {
  const h = await bot(env, { ...f, clock, gateway: gw });
  await h.app.recover();
  await h.settle();
  return h;
}

describe("gateway top-ups across a crash", () => {
  it("a crash between the gateway's confirmation and our credit: credited once after the restart", async ({ bot }) => {
    const f = files();
    const clock = fakeClock();
    const gw = createFakeGateway();
    const { h: h1, url } = await botWithGateway(bot, {}, { ...f, clock, gateway: gw });
    const p = h1.payer("7601");
    await p.say("/isi 100000");
    const order = lastOrder(h1, p);
    gw.pay(order.order_id);
    // The notification is stored and answered 200; the process dies while confirming it.
    const held = gw.holdStatus({ once: true });
    expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    await held.arrived;
    expect(creditsOf(h1, order.order_id)).toBe(0);

    const h2 = await restart(bot, f, clock, gw);
    clock.advance(10_000);
    await h2.app.topups!.poller.runDue();
    await h2.settle();
    expect(creditsOf(h2, order.order_id)).toBe(1);
    expect(h2.app.repos.topupOrders.get(order.order_id)).toMatchObject({ status: "paid", notified_at: null });
    expect(sentTo(h2, "7601").some((t) => t.includes("Saldo Anda sekarang <b>Rp1.100.000</b>"))).toBe(true);

    // The old process's answer arriving after all changes nothing.
    held.release();
    await h1.settle();
    expect(creditsOf(h2, order.order_id)).toBe(1);
    expect(h2.app.repos.ledger.balance(order.user_id)).toBe(1_100_000);
    expect(checkInvariants(h2.app)).toEqual([]);
  });

  it("a crash as the credit commits (it rolls back): the stored notification is confirmed after the restart", async ({ bot }) => {
    const f = files();
    const clock = fakeClock();
    const gw = createFakeGateway();
    const { h: h1, url } = await botWithGateway(bot, {}, { ...f, clock, gateway: gw });
    const p = h1.payer("7602");
    await p.say("/isi 100000");
    const order = lastOrder(h1, p);
    gw.pay(order.order_id);
    const post = h1.app.repos.ledger.post;
    h1.app.repos.ledger.post = () => {
      throw new Error("disk I/O error");
    };
    expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    await h1.settle();
    h1.app.repos.ledger.post = post;
    // Nothing of the credit happened; the notification still waits for its confirmation.
    expect(creditsOf(h1, order.order_id)).toBe(0);
    expect(h1.app.repos.topupOrders.get(order.order_id)).toMatchObject({ status: "pending", notified_at: expect.any(Number) });
    expect(h1.app.repos.gatewayNotifications.forOrder(order.order_id)[0]!.confirmed_at).toBeNull();

    const h2 = await restart(bot, f, clock, gw);
    clock.advance(10_000);
    await h2.app.topups!.poller.runDue();
    await h2.settle();
    expect(creditsOf(h2, order.order_id)).toBe(1);
    expect(h2.app.repos.gatewayNotifications.forOrder(order.order_id)[0]!.confirmed_at).not.toBeNull();
  });

  it("a crash after the credit, before its bill was paid: the restart pays it once and the receipt follows", async ({ bot }) => {
    const f = files();
    const clock = fakeClock();
    const gw = createFakeGateway();
    const env = { DEMO_BALANCE: "20000" };
    const { h: h1, url } = await botWithGateway(bot, env, { ...f, clock, gateway: gw });
    const p = h1.payer("7603");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    await p.tap("months:1");
    const ref = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("topupbill:"))!
      .id.split(":")[1]!;
    await p.tap(`topupbill:${ref}`);
    const order = lastOrder(h1, p);
    // The process dies right after the credit's commit: the step that pays the bill never runs.
    h1.app.engine.act = async () => "handled";
    gw.pay(order.order_id);
    await notify(url, gw.notification(order.order_id));
    await h1.settle();
    expect(creditsOf(h1, order.order_id)).toBe(1);
    expect(payCount(h1)).toBe(0);

    const h2 = await restart(bot, f, clock, gw, env);
    expect(payCount(h2)).toBe(1);
    expect(h2.app.repos.transactions.get(ref)!.status).toBe("paid");
    expect(sentTo(h2, "7603").some((t) => t.includes("Pembayaran berhasil"))).toBe(true);
    // A second restart does not pay it again.
    const h3 = await restart(bot, f, clock, gw, env);
    expect(payCount(h3)).toBe(1);
    expect(checkInvariants(h3.app)).toEqual([]);
  });

  it("a crash between the order's commit and its charge: never charged, the payer told to try again", async ({ bot }) => {
    const f = files();
    const clock = fakeClock();
    const gw = createFakeGateway();
    const { h: h1 } = await botWithGateway(bot, {}, { ...f, clock, gateway: gw });
    const p = h1.payer("7604");
    await p.say("/start");
    const userId = userIdOf(h1, p);
    const orderId = inTransaction(h1.app.db, () => {
      const order = h1.app.topups!.service.createOrder({ userId, amount: 50_000, method: "qris" });
      const session = JSON.parse(h1.app.repos.sessions.get(userId)!.state) as Record<string, unknown>;
      h1.app.repos.sessions.save(userId, 1, JSON.stringify({ ...session, effect: { kind: "topup_charge", orderId: order.order_id } }), clock.now());
      return order.order_id;
    });
    const h2 = await restart(bot, f, clock, gw);
    expect(h2.app.repos.topupOrders.get(orderId)!.status).toBe("cancelled");
    expect(sentTo(h2, "7604").some((t) => t.includes("tidak jadi dibuat"))).toBe(true);
    clock.advance(CHARGE_GRACE_MS);
    await h2.app.topups!.poller.runDue();
    expect(gw.callsOf("charge")).toBe(0);
    expect(await payerOn(h2, p).say("/isi 50000")).toContain("dengan QRIS");
  });

  it("a crash after the charge left, its answer lost: the payer is told, and the order found at the gateway is cancelled", async ({ bot }) => {
    const f = files();
    const clock = fakeClock();
    const gw = createFakeGateway();
    const { h: h1 } = await botWithGateway(bot, {}, { ...f, clock, gateway: gw });
    const p = h1.payer("7605");
    await p.say("/start");
    const userId = userIdOf(h1, p);
    const order = inTransaction(h1.app.db, () => {
      const o = h1.app.topups!.service.createOrder({ userId, amount: 50_000, method: "qris" });
      h1.app.repos.topupOrders.startCharge(o.order_id, clock.now());
      const session = JSON.parse(h1.app.repos.sessions.get(userId)!.state) as Record<string, unknown>;
      h1.app.repos.sessions.save(userId, 1, JSON.stringify({ ...session, effect: { kind: "topup_charge", orderId: o.order_id } }), clock.now());
      return o;
    });
    await gw.charge({ orderId: order.order_id, amount: order.amount, method: "qris", expiresAt: order.expires_at });
    const h2 = await restart(bot, f, clock, gw);
    expect(sentTo(h2, "7605").some((t) => t.includes("belum menjawab"))).toBe(true);
    expect(gw.callsOf("charge")).toBe(1);
    // While the charge might still be on its way nothing is done; after that, the poller clears it up.
    clock.advance(30_000);
    await h2.app.topups!.poller.runDue();
    expect(gw.callsOf("status")).toBe(0);
    clock.advance(CHARGE_GRACE_MS);
    await h2.app.topups!.poller.runDue();
    await h2.settle();
    expect(gw.callsOf("cancel", order.order_id)).toBe(1);
    expect(h2.app.repos.topupOrders.get(order.order_id)!.status).toBe("cancelled");
    expect(balanceOf(h2, payerOn(h2, p))).toBe(1_000_000);
  });
});

function payerOn(h: Harness, p: PayerDriver): PayerDriver {
  return h.payer(p.id, p.platform);
}
