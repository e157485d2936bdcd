import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { checkInvariants, type Harness, type PayerDriver } from "../helpers/app-harness.ts";
import { balanceOf, botWithGateway, creditsOf, lastOrder, notify, paidAtGateway } from "../helpers/topups.ts";
import { FIRST_CHECK_MS } from "../../src/domain/topups/topup-check-schedule.ts";

/** Messages sent to the admin on Telegram (9000, in the harness; the console user is an admin too). */
function adminTexts(h: Harness): string[] {
  return h.sent.filter((s) => s.platform === "telegram" && s.address === "9000").map((s) => s.message.text);
}

function creditNotices(p: PayerDriver): number {
  return p.messages().filter((m) => m.text.includes("Saldo Anda sekarang")).length;
}

async function runPoller(h: Harness): Promise<void> {
  await h.app.topups!.poller.runDue();
  await h.settle();
}

describe("a payer tops up with QRIS", () => {
  it("/isi 100000 writes the order before the charge and shows a QR with amount, expiry (WIB) and order", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7001");
    await p.say("/start");
    let seenBeforeCharge: unknown = null;
    gw.onCharge = (req) => {
      // Committed before the gateway heard of it: visible to a reader outside the bot's transaction.
      seenBeforeCharge = h.app.db
        .prepare("SELECT status, amount, charge_started_at IS NOT NULL AS started FROM topup_orders WHERE order_id = ?")
        .get(req.orderId);
    };
    const text = await p.say("/isi 100000");
    expect(seenBeforeCharge).toEqual({ status: "pending", amount: 100_000, started: 1 });
    const order = lastOrder(h, p);
    const shown = p.last();
    expect(shown.image).toEqual({ kind: "qr", payload: gw.orders.get(order.order_id)!.qrPayload });
    expect(shown.text).toContain("Rp100.000");
    expect(shown.text).toContain("22-11-2026 10:15 WIB");
    expect(shown.text).toContain(order.order_id);
    expect(shown.tag).toBeUndefined();
    expect(shown.choices!.flat().map((c) => c.id)).toContain(`topupcheck:${order.order_id}`);
    expect(text).toContain("Membuat pembayaran");
    expect(gw.callsOf("charge")).toBe(1);
    expect(order.order_id).toMatch(/^LT[0-9A-Z]{12}$/);
  });

  it("in English too", async ({ bot }) => {
    const { h } = await botWithGateway(bot);
    const p = h.payer("7003");
    await p.say("/bahasa en");
    const text = await p.say("/isi 25.000");
    expect(text).toContain("Top up Rp25.000 with QRIS");
    expect(text).toContain("Valid until");
  });

  it("the signed notification, confirmed by the status API, credits once and tells the payer the new balance", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7002");
    await p.say("/isi 50rb");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    const before = p.messages().length;
    expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(balanceOf(h, p)).toBe(1_050_000);
    expect(p.since(before)).toContain("Saldo Anda sekarang <b>Rp1.050.000</b>");
    expect(gw.callsOf("status", order.order_id)).toBe(1);
    expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({ status: "paid", paid_amount: 50_000, notified_at: null });
    expect(h.app.repos.gatewayNotifications.forOrder(order.order_id)).toMatchObject([{ claimed_status: "settlement", confirmed_at: expect.any(Number) }]);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a notification is believed only when the status API confirms it: 'settlement' while the gateway says pending credits nothing", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7004");
    await p.say("/isi 50000");
    const order = lastOrder(h, p);
    // Genuinely signed (a replay of another state, or the gateway's own mistake), but not true.
    const claim = gw.notification(order.order_id, { transaction_status: "settlement", status_code: "200" });
    expect((await notify(url, claim)).status).toBe(200);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(0);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("pending");
    expect(balanceOf(h, p)).toBe(1_000_000);
  });

  it("the poller finds a payment whose notification was lost, 15 s after the charge", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7005");
    await p.say("/isi 30000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    h.clock.advance(FIRST_CHECK_MS - 1_000);
    await runPoller(h);
    expect(gw.callsOf("status")).toBe(0);
    h.clock.advance(1_000);
    await runPoller(h);
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(p.lastText()).toContain("Saldo Anda sekarang <b>Rp1.030.000</b>");
    // Final: the poller asks no more.
    h.clock.advance(60_000);
    await runPoller(h);
    expect(gw.callsOf("status")).toBe(1);
  });

  it("a 'pending' notification racing the charge's own answer does not delay the first look", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7010");
    gw.onCharge = async (req) => {
      // Midtrans posts 'pending' as it creates the charge, before we have its answer.
      expect((await notify(url, gw.notification(req.orderId))).status).toBe(200);
      await h.app.topups!.service.idle();
    };
    await p.say("/isi 30000");
    const order = lastOrder(h, p);
    expect(gw.callsOf("status")).toBe(0);
    expect(order.next_check_at! - order.created_at).toBeLessThanOrEqual(FIRST_CHECK_MS);
    gw.pay(order.order_id);
    h.clock.advance(FIRST_CHECK_MS);
    await runPoller(h);
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(h.app.repos.topupOrders.get(order.order_id)!.notified_at).toBeNull();
  });

  it("asks a young order at least every 30 s until it is paid", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7006");
    await p.say("/isi 30000");
    const order = lastOrder(h, p);
    h.clock.advance(FIRST_CHECK_MS);
    for (let i = 0; i < 5; i++) {
      await runPoller(h);
      const next = h.app.repos.topupOrders.get(order.order_id)!.next_check_at!;
      expect(next - h.clock.now()).toBeLessThanOrEqual(30_000);
      h.clock.set(next);
    }
    expect(gw.callsOf("status")).toBe(5);
    gw.pay(order.order_id);
    await runPoller(h);
    expect(creditsOf(h, order.order_id)).toBe(1);
  });

  it("'Cek pembayaran' asks the gateway: not yet, then credited; taps in a hurry do not hammer the gateway", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7007");
    await p.say("/isi 40000");
    const order = lastOrder(h, p);
    expect(await p.tap(`topupcheck:${order.order_id}`)).toContain("belum kami terima");
    expect(await p.tap(`topupcheck:${order.order_id}`)).toContain("belum kami terima");
    expect(gw.callsOf("status")).toBe(1);
    gw.pay(order.order_id);
    h.clock.advance(6_000);
    expect(await p.tap(`topupcheck:${order.order_id}`)).toContain("Saldo Anda sekarang <b>Rp1.040.000</b>");
    expect(await p.tap(`topupcheck:${order.order_id}`)).toContain("sudah dibayar dan saldonya sudah masuk");
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(creditNotices(p)).toBe(1);
  });

  it("the notification, the poller and the payer's check racing credit once", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7008");
    await p.say("/isi 60000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    h.clock.advance(FIRST_CHECK_MS);
    const held = gw.holdStatus();
    const notified = notify(url, gw.notification(order.order_id));
    const polled = h.app.topups!.poller.runDue();
    const checked = p.tap(`topupcheck:${order.order_id}`);
    await held.arrived;
    held.release();
    expect((await notified).status).toBe(200);
    await Promise.all([polled, checked]);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(balanceOf(h, p)).toBe(1_060_000);
    expect(creditNotices(p)).toBe(1);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("two services racing on one database (two processes) still credit once: the compare-and-set and the unique ledger row", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7009");
    await p.say("/isi 60000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    const { createTopupService } = await import("../../src/domain/topups/topup-service.ts");
    const { silentLogger } = await import("../../src/logger.ts");
    const other = createTopupService({
      repos: h.app.repos,
      commits: h.app.commits,
      gateway: gw,
      events: {
        credited: () => {},
        closed: () => {},
        amountMismatch: () => {},
        reversed: () => {},
        chargeRefused: () => {},
        needsReview: () => {},
        reviewedOrderPaid: () => {},
        otherGatewayOrders: () => {},
      },
      now: h.clock.now,
      log: silentLogger(),
      expiryMs: 15 * 60_000,
    });
    h.clock.advance(FIRST_CHECK_MS);
    await Promise.all([other.check(order.order_id, "poller"), h.app.topups!.service.check(order.order_id, "payer"), other.check(order.order_id, "payer")]);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(balanceOf(h, p)).toBe(1_060_000);
    // The unique index holds even against a direct second insert.
    const userId = order.user_id;
    expect(() => h.app.repos.ledger.post({ userId, amount: 60_000, kind: "topup", orderId: order.order_id, actor: "test", now: h.clock.now() })).toThrow(
      /UNIQUE/,
    );
  });
});

describe("asking for a top-up", () => {
  it("a second request while an order is open shows the open one again; no second charge", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7101");
    await p.say("/isi 100000");
    const first = lastOrder(h, p);
    const again = await p.say("/isi 70000");
    expect(again).toContain("masih punya pesanan isi saldo");
    expect(again).toContain(first.order_id);
    expect(p.last().image).toBeDefined();
    expect(gw.callsOf("charge")).toBe(1);
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM topup_orders").get()).toEqual({ n: 1 });
  });

  it("refuses amounts out of limits clearly, and asks for one when none is given", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot, { TOPUP_MIN: "20000", TOPUP_MAX: "5000000" });
    const p = h.payer("7102");
    expect(await p.say("/isi 5000")).toContain("minimal Rp20.000");
    expect(await p.say("/isi 6jt")).toContain("paling banyak Rp5.000.000");
    expect(await p.say("/isi 2,500")).toContain("bisa dibaca dua cara");
    expect(await p.say("/isi abc")).toContain("tidak terbaca");
    expect(await p.say("/isi 0")).toContain("tidak terbaca");
    expect(await p.say("/isi -50000")).toContain("tidak terbaca");
    expect(await p.say("/isi 99999999999999999999")).toContain("tidak terbaca");
    expect(gw.callsOf("charge")).toBe(0);
    expect(await p.say("/isi")).toContain("Mau isi saldo berapa?");
    expect(await p.say("halo")).toContain("tidak terbaca");
    expect(await p.say("1.000")).toContain("minimal Rp20.000");
    expect(await p.say("25rb")).toContain("Isi saldo Rp25.000 dengan QRIS");
    expect(gw.callsOf("charge")).toBe(1);
  });

  it("/isi typed while a bill is on screen leaves the bill payable", async ({ bot }) => {
    const { h } = await botWithGateway(bot);
    const p = h.payer("7114");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    await p.tap("months:1");
    const pay = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("pay:"))!;
    await p.say("/isi 50000");
    expect(await p.tap(pay.id)).toContain("Pembayaran berhasil");
  });

  it("the amount step can be cancelled", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7103");
    await p.say("/isi");
    expect(await p.say("batal")).toContain("Dibatalkan");
    expect(await p.say("50000")).not.toContain("QRIS");
    expect(gw.callsOf("charge")).toBe(0);
  });

  it("several methods: offered in TOPUP_METHODS order; a VA order shows the bank and a copy-friendly number", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot, { TOPUP_METHODS: "bca_va,qris" });
    const p = h.payer("7104", "whatsapp");
    const offer = await p.say("isi 150000");
    expect(offer).toContain("Bayar dengan apa?");
    expect(
      p
        .last()
        .choices!.flat()
        .map((c) => c.id),
    ).toEqual(["topupvia:bca_va:150000", "topupvia:qris:150000", "cancel"]);
    const shown = await p.say("1");
    const order = lastOrder(h, p);
    const number = gw.orders.get(order.order_id)!.va!.number;
    expect(shown).toContain("transfer BCA");
    expect(shown).toContain(`<code>${number}</code>`);
    expect(p.last().image).toBeUndefined();
    expect(order).toMatchObject({ method: "bca_va", va_bank: "bca", va_number: number });
    // An open VA order does not stop a QRIS one: one open order per method.
    await p.say("isi 150000");
    await p.say("2");
    expect(p.last().image).toBeDefined();
    expect(gw.callsOf("charge")).toBe(2);
  });

  it("a forged or stale method choice does nothing", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot, { TOPUP_METHODS: "qris,bca_va" });
    const p = h.payer("7105");
    await p.say("/isi 50000");
    const nonce = p.last().nonce;
    expect(await p.tap("topupvia:bni_va:50000", { nonce })).toContain("tidak berlaku");
    expect(await p.tap("topupvia:qris:1", { nonce })).toContain("tidak berlaku");
    expect(await p.tap("topupvia:qris:50000", { nonce: 999 })).toContain("tidak berlaku");
    expect(await p.tap("topupcheck:LT0000000000000", { nonce })).toContain("tidak berlaku");
    expect(gw.callsOf("charge")).toBe(0);
  });

  it("someone else's order cannot be checked", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const a = h.payer("7106");
    const b = h.payer("7107");
    await a.say("/isi 50000");
    const order = lastOrder(h, a);
    expect(await b.tap(`topupcheck:${order.order_id}`)).toContain("tidak berlaku");
    expect(gw.callsOf("status")).toBe(0);
  });

  it("the main menu and the balance screen offer 'Isi saldo' when a gateway is configured", async ({ bot }) => {
    const { h } = await botWithGateway(bot);
    const p = h.payer("7108");
    await p.say("/start");
    expect(
      p
        .last()
        .choices!.flat()
        .map((c) => c.id),
    ).toContain("topupnew");
    const balance = await p.say("/saldo");
    expect(balance).toContain("Saldo bertambah otomatis");
    expect(
      p
        .last()
        .choices!.flat()
        .map((c) => c.id),
    ).toContain("topupnew");
    expect(await p.tapLike("topupnew")).toContain("Mau isi saldo berapa?");
  });

  it("without a gateway nothing changes: no 'Isi saldo' button, /isi asks the admins", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("7109");
    await p.say("/start");
    expect(
      p
        .last()
        .choices!.flat()
        .map((c) => c.id),
    ).not.toContain("topupnew");
    expect(await p.say("/isi 100000")).toContain("sudah dikirim ke admin");
    expect(h.app.topups).toBeNull();
    expect(await p.tap("topupnew")).toContain("Ketik /isi diikuti jumlah");
  });

  it("a refused charge tells the payer (nothing charged) and the admins", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7110");
    gw.nextCharge({ status: "refused", code: "402", message: "merchant doesn't have access for this payment type" });
    expect(await p.say("/isi 50000")).toContain("sedang tidak bisa dibuat");
    expect(lastOrder(h, p).status).toBe("refused");
    expect(adminTexts(h).some((t) => t.includes("Gateway menolak") && t.includes("402"))).toBe(true);
    // Not open: the next request is a new order.
    await p.say("/isi 50000");
    expect(gw.callsOf("charge")).toBe(2);
  });

  it("a charge with no clear answer: the payer is told, the poller finds it at the gateway and cancels it (they never saw it)", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7111");
    gw.nextCharge({ status: "unknown", message: "timeout" }, { landed: true });
    expect(await p.say("/isi 50000")).toContain("belum menjawab");
    const order = lastOrder(h, p);
    expect(order).toMatchObject({ status: "pending", charge_outcome: "unknown" });
    expect(await p.say("/isi 50000")).toContain("masih kami pastikan");
    h.clock.advance(FIRST_CHECK_MS);
    await runPoller(h);
    expect(gw.callsOf("cancel", order.order_id)).toBe(1);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("cancelled");
    expect(p.lastText()).not.toContain("dibatalkan");
    expect(await p.say("/isi 50000")).toContain("dengan QRIS");
  });

  it("a charge that never reached the gateway (not found there) fails quietly and frees the slot", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7112");
    gw.nextCharge({ status: "unknown", message: "connect refused" });
    await p.say("/isi 50000");
    const order = lastOrder(h, p);
    h.clock.advance(FIRST_CHECK_MS);
    await runPoller(h);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("failed");
    expect(gw.callsOf("cancel")).toBe(0);
  });

  it("a created charge whose QR payload cannot be shown is treated as unknown, never shown broken", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7113");
    gw.nextCharge({ status: "created", gatewayId: "gw-x", qrPayload: "x".repeat(5_000) });
    expect(await p.say("/isi 50000")).toContain("belum menjawab");
    expect(p.messages().some((m) => m.image !== undefined)).toBe(false);
    expect(lastOrder(h, p)).toMatchObject({ charge_outcome: "unknown", qr_payload: null });
  });
});

describe("money rules", () => {
  it("a settlement of another amount is not credited: the order goes to review, the admins and the payer are told", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7201");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id, 90_000);
    expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(0);
    expect(balanceOf(h, p)).toBe(1_000_000);
    expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({ status: "needs_review", review_reason: "amount_mismatch:90000", paid_amount: 90_000 });
    expect(adminTexts(h).some((t) => t.includes("dipesan Rp100.000") && t.includes("Rp90.000") && t.includes("TIDAK"))).toBe(true);
    expect(p.lastText()).toContain("jumlah yang berbeda");
    // Later checks change nothing: a person decides.
    h.clock.advance(60_000);
    await p.tap(`topupcheck:${order.order_id}`);
    expect(creditsOf(h, order.order_id)).toBe(0);
  });

  it("a status answer about another order is ignored", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7202");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    const status = gw.status.bind(gw);
    gw.status = async (id) => ({ ...(await status(id)), orderId: "LTOTHER" }) as Awaited<ReturnType<typeof status>>;
    h.clock.advance(FIRST_CHECK_MS);
    await runPoller(h);
    expect(creditsOf(h, order.order_id)).toBe(0);
    gw.status = status;
    h.clock.advance(60_000);
    await runPoller(h);
    expect(creditsOf(h, order.order_id)).toBe(1);
  });

  it("no answer from the status API: asked again, backing off, and credited once it answers", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7203");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    gw.statusUnknown(3);
    h.clock.advance(FIRST_CHECK_MS);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      await runPoller(h);
      const next = h.app.repos.topupOrders.get(order.order_id)!.next_check_at!;
      delays.push(next - h.clock.now());
      h.clock.set(next);
    }
    expect(delays).toEqual([15_000, 30_000, 60_000]);
    await runPoller(h);
    expect(creditsOf(h, order.order_id)).toBe(1);
  });

  it("an order past its expiry is cancelled at the gateway and the payer told it expired", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7204");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    h.clock.set(order.expires_at);
    await runPoller(h);
    expect(gw.callsOf("cancel", order.order_id)).toBe(1);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("expired");
    expect(p.lastText()).toContain("sudah lewat waktunya");
    expect(await p.say("/isi 100000")).toContain("dengan QRIS");
  });

  it("a late settlement of an order we marked expired is credited once, and the admins are told", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7205");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    h.clock.set(order.expires_at + 1_000);
    await runPoller(h);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("expired");
    // A screenshot of the QR paid after all.
    gw.setState(order.order_id, "paid");
    const body = gw.notification(order.order_id);
    expect((await notify(url, body)).status).toBe(200);
    expect((await notify(url, body)).status).toBe(200);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(balanceOf(h, p)).toBe(1_100_000);
    expect(adminTexts(h).some((t) => t.includes("Pembayaran terlambat") && t.includes(order.order_id))).toBe(true);
    expect(creditNotices(p)).toBe(1);
  });

  it("a payment that races the expiry is credited: the cancel comes too late, the second look finds it paid", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7206");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    gw.cancel = async (id) => {
      gw.calls.push({ method: "cancel", orderId: id });
      gw.pay(id);
      return "not_pending";
    };
    h.clock.set(order.expires_at);
    await runPoller(h);
    expect(gw.callsOf("status", order.order_id)).toBe(2);
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("paid");
    expect(p.messages().some((m) => m.text.includes("lewat waktunya"))).toBe(false);
  });

  it("a cancel without an answer keeps the order open and asks again", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7207");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    gw.nextCancel("unknown");
    h.clock.set(order.expires_at);
    await runPoller(h);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("pending");
    h.clock.set(h.app.repos.topupOrders.get(order.order_id)!.next_check_at!);
    await runPoller(h);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("expired");
  });

  it("a reversal after the credit (refund, deny) tells the admins once and leaves the balance alone", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7208");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    await paidAtGateway(h, gw, url, order.order_id);
    gw.setState(order.order_id, "failed");
    await notify(url, gw.notification(order.order_id));
    await h.settle();
    gw.setState(order.order_id, "refunded");
    await notify(url, gw.notification(order.order_id));
    await h.settle();
    expect(balanceOf(h, p)).toBe(1_100_000);
    expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({ status: "paid", reversed_state: "failed" });
    expect(adminTexts(h).filter((t) => t.includes("kini berstatus"))).toHaveLength(1);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("reordered notifications change nothing: settlement first, then the older pending and an expire", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7209");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    const pending = gw.notification(order.order_id);
    const expire = gw.notification(order.order_id, { transaction_status: "expire", status_code: "202" });
    gw.pay(order.order_id);
    await notify(url, gw.notification(order.order_id));
    await notify(url, pending);
    await notify(url, expire);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("paid");
    expect(creditNotices(p)).toBe(1);
    expect(p.messages().some((m) => m.text.includes("lewat waktunya"))).toBe(false);
  });

  it("an order open long past its expiry with no answer goes to a person", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7210");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    gw.statusUnknown(10_000);
    h.clock.set(order.expires_at + 24 * 3_600_000);
    await runPoller(h);
    expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({ status: "needs_review", review_reason: "no_answer_past_expiry" });
    expect(adminTexts(h).some((t) => t.includes("belum mendapat jawaban jelas"))).toBe(true);
  });
});

describe("admin", () => {
  it("/stats counts gateway top-ups; /user lists the payer's recent orders", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7301");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    await paidAtGateway(h, gw, url, order.order_id);
    const admin = h.payer("9000");
    expect(await admin.say("/stats")).toContain("Isi saldo otomatis: hari ini 1 (Rp100.000), bulan ini 1 (Rp100.000)");
    const info = await admin.say(`/user tg:7301`);
    expect(info).toContain("Pesanan isi saldo terakhir");
    expect(info).toContain(`<code>${order.order_id}</code> · Rp100.000 · QRIS · dibayar`);
  });

  it("/stats shows zero top-ups when a gateway is configured, and nothing about them without one", async ({ bot }) => {
    const { h } = await botWithGateway(bot);
    expect(await h.payer("9000").say("/stats")).toContain("Isi saldo otomatis: hari ini 0 (Rp0)");
    const plain = await bot();
    expect(await plain.payer("9000").say("/stats")).not.toContain("Isi saldo otomatis");
  });
});
