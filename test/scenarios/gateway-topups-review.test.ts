import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { billRef, payCount, toBill } from "../helpers/flows.ts";
import { checkInvariants, type Harness, type PayerDriver } from "../helpers/app-harness.ts";
import { balanceOf, botWithGateway, creditsOf, lastOrder, notify, userIdOf, paidAtGateway } from "../helpers/topups.ts";
import { FIRST_CHECK_MS, LATE_LOOKS_AFTER_CLOSE_MS, NOTIFIED_CHECK_INTERVAL_MS } from "../../src/domain/topups/topup-check-schedule.ts";
import { MAX_NOTIFICATIONS_PER_ORDER } from "../../src/domain/topups/topup-service.ts";
import { verifyMidtransSignature } from "../../src/gateway/midtrans/signature.ts";
import { createFakeGateway } from "../fakes/fake-gateway.ts";

/**
 * The holes a review of gateway top-ups proved (R1–R7), each with the reviewer's own test (tightened
 * where it was loose) and our attacks on the fix: blank, zero, huge, late, duplicated, reordered.
 */

function adminTexts(h: Harness): string[] {
  return h.sent.filter((s) => s.platform === "telegram" && s.address === "9000").map((s) => s.message.text);
}

async function runPoller(h: Harness): Promise<void> {
  await h.app.topups!.poller.runDue();
  await h.settle();
}

/** An order left to a person: Rp100.000 ordered, Rp90.000 reported paid (the payer told an admin checks). */
async function orderPaidAnotherAmount(h: Harness, p: PayerDriver, gw: Awaited<ReturnType<typeof botWithGateway>>["gw"], url: string) {
  await p.say("/isi 100000");
  const order = lastOrder(h, p);
  await paidAtGateway(h, gw, url, order.order_id, 90_000);
  expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("needs_review");
  return order;
}

/** An order left to a person: the status API said nothing readable for a day past its expiry. */
async function orderInReview(h: Harness, p: PayerDriver, gw: Awaited<ReturnType<typeof botWithGateway>>["gw"]) {
  await p.say("/isi 100000");
  const order = lastOrder(h, p);
  gw.statusUnknown(1);
  h.clock.set(order.expires_at + 24 * 3_600_000);
  await runPoller(h);
  expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({ status: "needs_review", review_reason: "no_answer_past_expiry" });
  return order;
}

describe("R1: a payment confirmed for an order already in needs_review", () => {
  it("is not credited, but the admins are told once (with the amount) and the payer that an admin is checking", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7901");
    const order = await orderInReview(h, p, gw);
    const adminBefore = adminTexts(h).length;
    const payerBefore = p.messages().length;
    // The admin looked, saw it unpaid. Later the gateway answers again, and the payer really paid.
    gw.pay(order.order_id);
    h.clock.advance(60_000);
    expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    await h.settle();
    expect(gw.callsOf("status", order.order_id)).toBe(2);
    expect(creditsOf(h, order.order_id)).toBe(0);
    expect(balanceOf(h, p)).toBe(1_000_000);
    const told = adminTexts(h).slice(adminBefore);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(order.order_id);
    expect(told[0]).toContain("DIBAYAR Rp100.000");
    expect(told[0]).toContain("/topup");
    expect(p.since(payerBefore)).toContain("sedang dicek admin");
    expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({
      status: "needs_review",
      review_paid_at: h.clock.now(),
      review_paid_amount: 100_000,
    });

    // Told again — the same notification with other bytes, a later one, the payer's check, the poller: once only.
    await notify(url, JSON.stringify(gw.notification(order.order_id), null, 2));
    h.clock.advance(NOTIFIED_CHECK_INTERVAL_MS);
    await notify(url, gw.notification(order.order_id, { transaction_id: "another" }));
    await h.settle();
    h.clock.advance(NOTIFIED_CHECK_INTERVAL_MS);
    await runPoller(h);
    const payerAfter = p.messages().length;
    expect(await p.tap(`topupcheck:${order.order_id}`)).toContain("sedang dicek admin");
    expect(p.messages().length - payerAfter).toBe(1);
    expect(adminTexts(h).slice(adminBefore)).toHaveLength(1);
    expect(creditsOf(h, order.order_id)).toBe(0);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("found by the payer's own check: told once, in that answer", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7912");
    const order = await orderInReview(h, p, gw);
    gw.pay(order.order_id);
    h.clock.advance(60_000);
    const answer = await p.tap(`topupcheck:${order.order_id}`);
    expect(answer).toContain("melaporkan pesanan isi saldo");
    expect(answer).toContain("sedang dicek admin");
    expect(adminTexts(h).filter((t) => t.includes("DIBAYAR"))).toHaveLength(1);
    expect(creditsOf(h, order.order_id)).toBe(0);
  });

  it("another amount paid: the review's own alert named it; the same report again says nothing new", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7913");
    const order = await orderPaidAnotherAmount(h, p, gw, url);
    const before = adminTexts(h).length;
    h.clock.advance(60_000);
    await notify(url, gw.notification(order.order_id, { transaction_id: "gw-retry" }));
    await p.tap(`topupcheck:${order.order_id}`);
    await h.settle();
    expect(gw.callsOf("status", order.order_id)).toBeGreaterThanOrEqual(2);
    expect(adminTexts(h).slice(before)).toEqual([]);
    expect(h.app.repos.topupOrders.get(order.order_id)!.review_paid_at).toBeNull();
  });
});

describe("R2: a genuine notification replayed with different bytes", () => {
  it("is the same notification: not stored again, the status API not asked again", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7902");
    await p.say("/isi 50000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    const genuine = gw.notification(order.order_id);
    expect((await notify(url, genuine)).status).toBe(200);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
    const callsBefore = gw.callsOf("status", order.order_id);
    // The same signed fields; only unsigned bytes differ (whitespace, key order, an extra field).
    for (let i = 0; i < 20; i++) {
      const reordered = Object.fromEntries(Object.entries(genuine).reverse());
      const res = await notify(url, JSON.stringify({ ...(i % 2 === 0 ? genuine : reordered), replay: i }, null, i % 3));
      expect(res.status).toBe(200);
      await h.settle();
    }
    h.clock.advance(10 * 60_000);
    await runPoller(h);
    const rows = h.app.repos.gatewayNotifications.forOrder(order.order_id).length;
    const extraCalls = gw.callsOf("status", order.order_id) - callsBefore;
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect({ rows, extraCalls }).toEqual({ rows: 1, extraCalls: 0 });
  });

  it("other unsigned values (transaction_id, transaction_status) are kept up to a cap and ask the gateway at most once a minute", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7914");
    await p.say("/isi 50000");
    const order = lastOrder(h, p);
    await paidAtGateway(h, gw, url, order.order_id);
    expect(creditsOf(h, order.order_id)).toBe(1);
    const start = h.clock.now();
    const callsBefore = gw.callsOf("status", order.order_id);
    const claims = ["settlement", "expire", "refund", "deny", "", "x".repeat(40)];
    for (let i = 0; i < 120; i++) {
      const body = gw.notification(order.order_id, { transaction_id: `forged-${i}`, transaction_status: claims[i % claims.length] });
      expect((await notify(url, body)).status).toBe(200);
      if (i % 10 === 9) {
        h.clock.advance(20_000);
        await runPoller(h);
      }
    }
    await h.settle();
    const elapsedMinutes = Math.ceil((h.clock.now() - start) / 60_000);
    expect(h.app.repos.gatewayNotifications.forOrder(order.order_id).length).toBe(MAX_NOTIFICATIONS_PER_ORDER);
    const extra = gw.callsOf("status", order.order_id) - callsBefore;
    expect(extra).toBeGreaterThan(0);
    expect(extra).toBeLessThanOrEqual(elapsedMinutes);
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(balanceOf(h, p)).toBe(1_050_000);
    // Nothing left hanging: once confirmed, a paid order is not looked at again.
    h.clock.advance(5 * 60_000);
    await runPoller(h);
    expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({ notified_at: null, next_check_at: null });
  });

  it("a new status (a new signature) seconds after the last confirmed one is acted on at once", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7915");
    await p.say("/isi 50000");
    const order = lastOrder(h, p);
    // Midtrans' own 'pending' at creation, confirmed at once.
    await notify(url, gw.notification(order.order_id));
    await h.settle();
    expect(gw.callsOf("status", order.order_id)).toBe(1);
    h.clock.advance(5_000);
    await paidAtGateway(h, gw, url, order.order_id);
    expect(gw.callsOf("status", order.order_id)).toBe(2);
    expect(creditsOf(h, order.order_id)).toBe(1);
  });

  it("a repeated status with other unsigned fields inside the minute (a refund after a settlement) is confirmed by the poller, not lost", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7916");
    await p.say("/isi 50000");
    const order = lastOrder(h, p);
    await paidAtGateway(h, gw, url, order.order_id);
    h.clock.advance(10_000);
    // Midtrans' refund notification carries status_code 200 and the same gross_amount: the same signature.
    gw.setState(order.order_id, "refunded");
    expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    await h.settle();
    expect(gw.callsOf("status", order.order_id)).toBe(1);
    const marked = h.app.repos.topupOrders.get(order.order_id)!;
    expect(marked.notified_at).not.toBeNull();
    expect(marked.next_check_at).toBe(marked.last_checked_at! + NOTIFIED_CHECK_INTERVAL_MS);
    h.clock.set(marked.next_check_at!);
    await runPoller(h);
    expect(gw.callsOf("status", order.order_id)).toBe(2);
    expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({ reversed_state: "refunded", notified_at: null });
    expect(adminTexts(h).filter((t) => t.includes("kini berstatus refunded"))).toHaveLength(1);
  });

  it("past the cap, a new status is still kept and acted on at once", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7917");
    await p.say("/isi 50000");
    const order = lastOrder(h, p);
    await paidAtGateway(h, gw, url, order.order_id);
    for (let i = 0; i < MAX_NOTIFICATIONS_PER_ORDER + 5; i++) await notify(url, gw.notification(order.order_id, { transaction_id: `filler-${i}` }));
    await h.settle();
    expect(h.app.repos.gatewayNotifications.forOrder(order.order_id)).toHaveLength(MAX_NOTIFICATIONS_PER_ORDER);
    // The bank reverses the transfer (Permata's settlement → deny): status_code 202, a new signature.
    gw.setState(order.order_id, "failed");
    const calls = gw.callsOf("status", order.order_id);
    expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    await h.settle();
    expect(gw.callsOf("status", order.order_id)).toBe(calls + 1);
    expect(h.app.repos.gatewayNotifications.forOrder(order.order_id)).toHaveLength(MAX_NOTIFICATIONS_PER_ORDER + 1);
    expect(h.app.repos.topupOrders.get(order.order_id)!.reversed_state).toBe("failed");
  });
});

describe("R3: a 'not found' from the status API for a created order", () => {
  it("before its expiry is no answer: the order stays open, and a payment of its live QR is credited", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7903");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    const kept = gw.orders.get(order.order_id)!;
    gw.orders.delete(order.order_id); // one answer of 404 (the gateway not listing it for a while)
    h.clock.advance(61_000);
    await runPoller(h);
    gw.orders.set(order.order_id, kept);
    const after = h.app.repos.topupOrders.get(order.order_id)!;
    expect(after).toMatchObject({ status: "pending", gateway_state: "not_found" });
    expect(after.next_check_at! - h.clock.now()).toBeLessThanOrEqual(30_000);
    expect(p.lastText()).not.toContain("gagal");
    // The QR is still live at the gateway; the payer pays it; the notification is lost.
    gw.pay(order.order_id);
    h.clock.set(after.next_check_at!);
    await runPoller(h);
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(gw.callsOf("cancel", order.order_id)).toBe(0);
    expect(p.lastText()).toContain("Saldo Anda sekarang");
  });

  it("at its expiry it is cancelled first and only then closed; a late payment is still found by a late look", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7918");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    const kept = gw.orders.get(order.order_id)!;
    gw.orders.delete(order.order_id);
    for (let at = order.created_at + FIRST_CHECK_MS; at < order.expires_at; at += 60_000) {
      h.clock.set(at);
      await runPoller(h);
    }
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("pending");
    expect(gw.callsOf("cancel", order.order_id)).toBe(0);
    h.clock.set(order.expires_at);
    await runPoller(h);
    expect(gw.callsOf("cancel", order.order_id)).toBe(1);
    const closed = h.app.repos.topupOrders.get(order.order_id)!;
    expect(closed.status).toBe("expired");
    expect(p.lastText()).toContain("sudah lewat waktunya");
    expect(closed.next_check_at).toBe(closed.closed_at! + LATE_LOOKS_AFTER_CLOSE_MS[0]!);
    // The gateway lists it again, paid (a payment it took although it should not have); its notification lost.
    gw.orders.set(order.order_id, { ...kept, state: "paid" });
    h.clock.set(closed.next_check_at!);
    await runPoller(h);
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(adminTexts(h).some((t) => t.includes("Pembayaran terlambat") && t.includes(order.order_id))).toBe(true);
  });

  it("not found at its expiry and the cancel unanswered: kept open, cancelled and closed at the next look", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7919");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    gw.orders.delete(order.order_id);
    gw.nextCancel("unknown");
    h.clock.set(order.expires_at);
    await runPoller(h);
    const open = h.app.repos.topupOrders.get(order.order_id)!;
    expect(open.status).toBe("pending");
    h.clock.set(open.next_check_at!);
    await runPoller(h);
    expect(gw.callsOf("cancel", order.order_id)).toBe(2);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("expired");
  });

  it("the late looks after a close are few and then stop; the payer's check and a notification still work after", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7920");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    h.clock.set(order.expires_at);
    await runPoller(h);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("expired");
    const calls = gw.callsOf("status", order.order_id);
    for (let i = 0; i < 12 * 24 * 3; i++) {
      h.clock.advance(5 * 60_000);
      await h.app.topups!.poller.runDue();
    }
    await h.settle();
    const late = gw.callsOf("status", order.order_id) - calls;
    expect(late).toBe(LATE_LOOKS_AFTER_CLOSE_MS.length);
    expect(h.app.repos.topupOrders.get(order.order_id)!.next_check_at).toBeNull();
    // Days later: paid after all. A notification (or the payer's check) finds it.
    gw.setState(order.order_id, "paid");
    expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
  });

  it("an order we closed that the gateway still holds payable is cancelled there at its late look", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7921");
    await p.say("/isi 100000");
    const order = lastOrder(h, p);
    // The gateway says expired (its own batch), yet keeps the QR payable.
    gw.setState(order.order_id, "expired");
    h.clock.set(order.expires_at);
    await runPoller(h);
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("expired");
    gw.setState(order.order_id, "pending");
    h.clock.advance(LATE_LOOKS_AFTER_CLOSE_MS[0]!);
    await runPoller(h);
    expect(gw.callsOf("cancel", order.order_id)).toBe(1);
    expect(gw.orders.get(order.order_id)!.state).toBe("cancelled");
    expect(h.app.repos.topupOrders.get(order.order_id)!.status).toBe("expired");
    expect(creditsOf(h, order.order_id)).toBe(0);
  });

  it("a charge that never got a clear answer and is not found still fails quietly, with no late looks", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7922");
    gw.nextCharge({ status: "unknown", message: "connect refused" });
    await p.say("/isi 50000");
    const order = lastOrder(h, p);
    h.clock.advance(FIRST_CHECK_MS);
    await runPoller(h);
    expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({ status: "failed", next_check_at: null });
    expect(gw.callsOf("cancel")).toBe(0);
  });
});

describe("R4: the credit of a shortfall order lands while the payer has another bill on screen", () => {
  it("the bill it was for is paid aside; the bill on screen stays on screen, its buttons working", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7904");
    await toBill(p, "8801234560000");
    const ref1 = billRef(p);
    await p.tap(`topupbill:${ref1}`);
    const order = lastOrder(h, p);
    // Another bill, on screen.
    await toBill(p, "8801234569999");
    const ref2 = billRef(p);
    expect(ref2).not.toBe(ref1);
    const before = p.messages().length;
    await paidAtGateway(h, gw, url, order.order_id);
    expect(h.app.repos.transactions.get(ref1)!.status).toBe("paid");
    expect(payCount(h)).toBe(1);
    const said = p.since(before);
    expect(said).toContain("Pembayaran berhasil");
    // Nothing said aside offered a menu: the screen's menu is still the bill's.
    expect(
      p
        .messages()
        .slice(before)
        .every((m) => m.nonce === undefined),
    ).toBe(true);
    const tx2 = h.app.repos.transactions.get(ref2)!;
    expect(tx2.status).toBe("inquired");
    expect(tx2.expires_at! > h.clock.now()).toBe(true);
    // Still valid: the payer pays its shortfall with QRIS too, and once credited it is paid.
    const shown = await p.tap(`topupbill:${ref2}`);
    expect(shown).not.toContain("sudah tidak berlaku");
    const order2 = lastOrder(h, p);
    expect(order2).toMatchObject({ bill_ref: ref2, status: "pending" });
    await paidAtGateway(h, gw, url, order2.order_id);
    expect(h.app.repos.transactions.get(ref2)!.status).toBe("paid");
    expect(payCount(h)).toBe(2);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("its Pay button works too when the balance suffices", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7923");
    await toBill(p, "8801234560000");
    const ref1 = billRef(p);
    await p.tap(`topupbill:${ref1}`);
    const order = lastOrder(h, p);
    await toBill(p, "8801234569999");
    const ref2 = billRef(p);
    await h.payer("9000").say("/topup tg:7923 500000");
    await paidAtGateway(h, gw, url, order.order_id);
    expect(h.app.repos.transactions.get(ref1)!.status).toBe("paid");
    const answer = await p.tap(`pay:${ref2}`);
    expect(answer).not.toContain("sudah tidak berlaku");
    expect(answer).toContain("Pembayaran berhasil");
    expect(h.app.repos.transactions.get(ref2)!.status).toBe("paid");
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a number being typed for another bill is not interrupted", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7924");
    await toBill(p, "8801234560000");
    const ref1 = billRef(p);
    await p.tap(`topupbill:${ref1}`);
    const order = lastOrder(h, p);
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await paidAtGateway(h, gw, url, order.order_id);
    expect(h.app.repos.transactions.get(ref1)!.status).toBe("paid");
    await p.say("8801234569999");
    expect(
      p
        .last()
        .choices!.flat()
        .some((c) => c.id.startsWith("months:")),
    ).toBe(true);
  });

  it("if the inquiry expired meanwhile, a fresh check is offered aside; the bill on screen stays payable", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7925");
    await toBill(p, "8801234560000");
    const ref1 = billRef(p);
    await p.tap(`topupbill:${ref1}`);
    const order = lastOrder(h, p);
    h.clock.advance(2 * 60_000);
    await toBill(p, "8801234569999");
    const ref2 = billRef(p);
    const tx1 = h.app.repos.transactions.get(ref1)!;
    h.clock.set(tx1.expires_at! + 1_000);
    expect(h.app.repos.transactions.get(ref2)!.expires_at! > h.clock.now()).toBe(true);
    const before = p.messages().length;
    await paidAtGateway(h, gw, url, order.order_id);
    expect(h.app.repos.transactions.get(ref1)!.status).toBe("expired");
    expect(p.since(before)).toContain(`tagihan ${ref1} habis`);
    expect(
      p
        .messages()
        .slice(before)
        .some((m) => m.choices?.flat().some((c) => c.id === `recheck:${ref1}`)),
    ).toBe(true);
    expect(payCount(h)).toBe(0);
    // The balance now covers the bill on screen: its Pay works.
    expect(await p.tap(`pay:${ref2}`)).toContain("Pembayaran berhasil");
    expect(payCount(h)).toBe(1);
  });
});

describe("held: amounts, methods, endpoint", () => {
  it("typed amounts at and around the limits", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7905");
    const cases: [string, RegExp][] = [
      ["/isi 9999", /paling sedikit|minimal|at least/i],
      ["/isi 10.000.001", /paling banyak|maksimal|at most/i],
      ["/isi 1e9", /tidak terbaca|could not be read/i],
      // The comma can only be a decimal mark here: the hint names the whole amount, not "2.500 or 2,5rb".
      ["/isi 10.000.000,00", /koma desimal.*Tulis 10\.000\.000 saja/],
      ["/isi -50000", /.+/],
      ["/isi 0", /.+/],
      ["/isi 50000.5", /.+/],
      ["/isi <b>5</b>", /.+/],
    ];
    for (const [text, re] of cases) {
      const a = await p.say(text);
      expect(a, text).toMatch(re);
    }
    expect(await p.say("/isi 2,500")).toContain("bisa dibaca dua cara");
    expect(gw.callsOf("charge")).toBe(0);
    expect(await p.say("/isi Rp 50rb")).toContain("Rp50.000");
    expect(gw.callsOf("charge")).toBe(1);
    expect(h.app.repos.topupOrders.recentForUser(lastOrder(h, p).user_id, 10).length).toBe(1);
  });

  it("forged topupvia choices: zero, over max, unknown method, leading zeros", async ({ bot }) => {
    const { gw, h } = await botWithGateway(bot, { TOPUP_METHODS: "qris,bca_va" });
    const p = h.payer("7906");
    await p.say("/start");
    for (const id of [
      "topupvia:qris:0",
      "topupvia:qris:10000001",
      "topupvia:qris:9999",
      "topupvia:gopay:50000",
      "topupvia:qris:050000",
      "topupvia:qris:50000.5",
      "topupvia:qris:99999999999",
    ]) {
      await p.tap(id, { nonce: 1 });
    }
    expect(gw.callsOf("charge")).toBe(0);
  });

  it("endpoint: methods, content types, sizes", async ({ bot }) => {
    const { gw, url, h } = await botWithGateway(bot);
    const p = h.payer("7907");
    await p.say("/isi 50000");
    const order = lastOrder(h, p);
    expect((await fetch(url, { method: "GET" })).status).toBe(405);
    expect((await fetch(url, { method: "PUT", body: "{}" })).status).toBe(405);
    expect((await notify(url, "[]")).status).toBe(400);
    expect((await notify(url, "")).status).toBe(400);
    expect((await notify(url, "null")).status).toBe(400);
    expect((await notify(url, gw.forged(order.order_id))).status).toBe(401);
    expect((await notify(url, { ...gw.notification(order.order_id), pad: "x".repeat(17_000) })).status).toBe(413);
    // chunked, no content-length
    const big = JSON.stringify({ ...gw.notification(order.order_id), pad: "x".repeat(200_000) });
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await fetch(url, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    // A valid signature, another gross_amount string ("50000" vs "50000.00"), claim settlement: status decides.
    const claim = gw.notification(order.order_id, { gross_amount: "50000", transaction_status: "settlement", status_code: "200" });
    expect((await notify(url, claim, { "content-type": "text/plain" })).status).toBe(200);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(0);
    // An order id of ours that is not an order (a transaction ref), validly signed.
    expect((await notify(url, gw.notification("TX0000000000"))).status).toBe(404);
    expect(balanceOf(h, p)).toBe(1_000_000);
  });
});

describe("R6: an order of another gateway (left from an earlier GATEWAY setting)", () => {
  function insertForeign(h: Harness, userId: number, orderId = "LTFOREIGN00001"): void {
    h.app.db
      .prepare(
        `INSERT INTO topup_orders (order_id, user_id, gateway, amount, method, status, expires_at, next_check_at, created_at, updated_at,
           charge_started_at, charge_answered_at, charge_outcome)
         VALUES (?, ?, 'midtrans', 20000, 'bca_va', 'pending', ?, ?, ?, ?, ?, ?, 'created')`,
      )
      .run(orderId, userId, h.clock.now() + 3_600_000, h.clock.now(), h.clock.now() - 120_000, h.clock.now(), h.clock.now() - 120_000, h.clock.now() - 120_000);
  }

  it("is not asked about at the current gateway, nor closed on its word; a notification for it is 404", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7908");
    await p.say("/isi 50000");
    const mine = lastOrder(h, p);
    insertForeign(h, mine.user_id);
    for (let i = 0; i < 5; i++) {
      h.clock.advance(2 * 3_600_000);
      await runPoller(h);
    }
    expect(gw.callsOf("status", "LTFOREIGN00001")).toBe(0);
    expect(gw.callsOf("cancel", "LTFOREIGN00001")).toBe(0);
    expect(h.app.repos.topupOrders.get("LTFOREIGN00001")!.status).toBe("pending");
    expect((await notify(url, gw.notification("LTFOREIGN00001"))).status).toBe(404);
    expect(h.app.repos.gatewayNotifications.forOrder("LTFOREIGN00001")).toEqual([]);
    // The payer's own check does not ask this gateway either.
    await h.app.topups!.service.check("LTFOREIGN00001", "payer");
    expect(gw.callsOf("status", "LTFOREIGN00001")).toBe(0);
  });

  it("at start-up each is moved to review, once: its payer told an admin checks, the admins told once", async ({ bot }) => {
    const { h } = await botWithGateway(bot);
    const p = h.payer("7926");
    await p.say("/saldo");
    insertForeign(h, h.app.repos.users.findByIdentity(p.platform, p.id)!.id);
    const before = p.messages().length;
    await h.app.topups!.reportOtherGateways();
    await h.app.topups!.reportOtherGateways();
    await h.settle();
    expect(h.app.repos.topupOrders.get("LTFOREIGN00001")).toMatchObject({ status: "needs_review", review_reason: "other_gateway:midtrans" });
    expect(
      p
        .messages()
        .slice(before)
        .map((m) => m.text),
    ).toEqual([expect.stringContaining("sedang dicek admin")]);
    const told = adminTexts(h).filter((t) => t.includes("LTFOREIGN00001"));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain("midtrans");
    expect(h.app.repos.ledger.balance(userIdOf(h, p))).toBe(balanceOf(h, p));
    // Another of its orders is open: a new situation, told again.
    const q = h.payer("7927");
    await q.say("/saldo");
    insertForeign(h, h.app.repos.users.findByIdentity(q.platform, q.id)!.id, "LTFOREIGN00002");
    await h.app.topups!.reportOtherGateways();
    await h.settle();
    expect(adminTexts(h).filter((t) => t.includes("LTFOREIGN00002"))).toHaveLength(1);
  });
});

describe("held: two open orders, escaping", () => {
  it("a QRIS and a VA order open at once are each credited once", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, { TOPUP_METHODS: "qris,bca_va" });
    const p = h.payer("7909");
    await p.say("/isi 50000");
    await p.tap("topupvia:qris:50000");
    const q = lastOrder(h, p);
    await p.say("/isi 70000");
    await p.tap("topupvia:bca_va:70000");
    const v = lastOrder(h, p);
    expect(q.order_id).not.toBe(v.order_id);
    gw.pay(q.order_id);
    gw.pay(v.order_id);
    await notify(url, gw.notification(v.order_id));
    await notify(url, gw.notification(q.order_id));
    await h.settle();
    expect([creditsOf(h, q.order_id), creditsOf(h, v.order_id)]).toEqual([1, 1]);
    expect(balanceOf(h, p)).toBe(1_120_000);
  });

  it("a refusal's text from the gateway reaches the admins escaped", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    gw.nextCharge({ status: "refused", code: "402", message: "<b>x</b><script>alert(1)</script> & SB-Mid-server-fake" });
    const p = h.payer("7910");
    await p.say("/isi 50000");
    const alert = adminTexts(h).find((t) => t.includes("402"))!;
    expect(alert).toContain("&lt;script&gt;");
    expect(alert).not.toContain("<script>");
  });
});

describe("R7: an order in review (another amount paid) later refunded or charged back at the gateway", () => {
  it("the reversal is recorded and the admins told once, to correct a hand credit with /koreksi", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7911");
    const order = await orderPaidAnotherAmount(h, p, gw, url);
    // The admin, as the alert says, credits the real money by hand.
    await h.payer("9000").say("/topup tg:7911 90000");
    await h.settle();
    expect(balanceOf(h, p)).toBe(1_090_000);
    const before = adminTexts(h).length;
    // The payer disputes; the gateway refunds (or a chargeback) and notifies.
    gw.setState(order.order_id, "refunded");
    h.clock.advance(60_000);
    expect((await notify(url, gw.notification(order.order_id))).status).toBe(200);
    await h.settle();
    expect(gw.callsOf("status", order.order_id)).toBe(2);
    const told = adminTexts(h).slice(before);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(order.order_id);
    expect(told[0]).toContain("/koreksi");
    expect(h.app.repos.topupOrders.get(order.order_id)).toMatchObject({ status: "needs_review", reversed_state: "refunded" });
    // Never corrected automatically; a second report (a chargeback after the refund) tells nobody again.
    expect(balanceOf(h, p)).toBe(1_090_000);
    h.clock.advance(60_000);
    await notify(url, gw.notification(order.order_id, { transaction_status: "chargeback", transaction_id: "cb-1" }));
    await h.settle();
    expect(adminTexts(h).slice(before)).toHaveLength(1);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("an order in review that was never reported paid and then expires at the gateway is no reversal", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7928");
    const order = await orderInReview(h, p, gw);
    const before = adminTexts(h).length;
    gw.setState(order.order_id, "expired");
    h.clock.advance(60_000);
    await notify(url, gw.notification(order.order_id));
    await h.settle();
    expect(adminTexts(h).slice(before)).toEqual([]);
    expect(h.app.repos.topupOrders.get(order.order_id)!.reversed_state).toBeNull();
  });
});

/** The holes a second review proved, each with the reviewer's test. */
describe("second review", () => {
  /** The signature_key with the letters at the positions given by the bits of `n` in upper case: the same bytes in hex. */
  function recase(sig: string, n: number): string {
    const chars = [...sig];
    let bit = 0;
    for (let i = 0; i < chars.length && bit < 30; i++) {
      if (/[a-f]/.test(chars[i]!)) {
        if ((n >> bit) & 1) chars[i] = chars[i]!.toUpperCase();
        bit++;
      }
    }
    return chars.join("");
  }

  it("a notification replayed with its signature's hex letters in another case is the same status: within the cap, no extra status call", async ({ bot }) => {
    // The real Midtrans check (the hex is decoded, so either case checks), over the fake gateway.
    const gw = createFakeGateway();
    gw.verifyNotification = (body) => verifyMidtransSignature(body, gw.serverKey);
    const { h, url } = await botWithGateway(bot, {}, { gateway: gw });
    const p = h.payer("7990");
    await p.say("/isi 50000");
    const order = lastOrder(h, p);
    gw.pay(order.order_id);
    const genuine = gw.notification(order.order_id);
    expect((await notify(url, genuine)).status).toBe(200);
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
    const callsBefore = gw.callsOf("status", order.order_id);
    for (let i = 1; i <= 60; i++) expect((await notify(url, { ...genuine, signature_key: recase(String(genuine.signature_key), i) })).status).toBe(200);
    await h.settle();
    expect(h.app.repos.gatewayNotifications.forOrder(order.order_id)).toHaveLength(1);
    expect(gw.callsOf("status", order.order_id) - callsBefore).toBe(0);
    expect(creditsOf(h, order.order_id)).toBe(1);
  });

  it("the payer's check of an order under review that the gateway now reports refunded gets an answer", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot);
    const p = h.payer("7991");
    const order = await orderPaidAnotherAmount(h, p, gw, url);
    gw.setState(order.order_id, "refunded");
    h.clock.advance(60_000);
    const answer = await p.tap(`topupcheck:${order.order_id}`);
    expect(h.app.repos.topupOrders.get(order.order_id)!.reversed_state).toBe("refunded");
    expect(answer).toContain("sedang dicek admin");
    expect(creditsOf(h, order.order_id)).toBe(0);
  });

  it("a payer whose QRIS order was made through the previous gateway can top up by QRIS through the current one", async ({ bot }) => {
    const { h } = await botWithGateway(bot);
    const p = h.payer("7993");
    await p.say("/saldo");
    const userId = userIdOf(h, p);
    const at = h.clock.now();
    h.app.db
      .prepare(
        `INSERT INTO topup_orders (order_id, user_id, gateway, amount, method, status, expires_at, next_check_at, created_at, updated_at,
           charge_started_at, charge_answered_at, charge_outcome, qr_payload)
         VALUES ('LTFOREIGN00009', ?, 'midtrans', 20000, 'qris', 'pending', ?, ?, ?, ?, ?, ?, 'created', '000201010212')`,
      )
      .run(userId, at + 600_000, at + 600_000, at - 300_000, at - 300_000, at - 300_000, at - 300_000);
    await h.app.topups!.reportOtherGateways();
    await h.settle();
    // Before its expiry as after: the old QR is not offered again, and a new order is made.
    const said = await p.say("/isi 50000");
    expect(said).not.toContain("sedang ditutup");
    expect(said).not.toContain("000201010212");
    expect(lastOrder(h, p).order_id).not.toBe("LTFOREIGN00009");
    expect(lastOrder(h, p)).toMatchObject({ status: "pending", gateway: h.app.topups!.gateway.name, amount: 50_000 });
  });

  it("a shortfall credit landing while the payer types a top-up amount (after /isi from that bill's screen) leaves the amount step theirs", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7994");
    await toBill(p);
    const ref = billRef(p);
    await p.tap(`topupbill:${ref}`);
    const order = lastOrder(h, p);
    expect(await p.say("/isi")).toMatch(/jumlah|berapa/i);
    const stepOf = () => (JSON.parse(h.app.repos.sessions.get(order.user_id)!.state) as { step: string }).step;
    expect(stepOf()).toBe("topup_amount");
    await paidAtGateway(h, gw, url, order.order_id);
    expect(h.app.repos.transactions.get(ref)!.status).toBe("paid");
    expect(p.messages().some((m) => m.text.includes("Pembayaran berhasil"))).toBe(true);
    expect(stepOf()).toBe("topup_amount");
    // The amount they type now is read as one.
    expect(await p.say("50000")).not.toContain("tidak dikenal");
    expect(lastOrder(h, p)).toMatchObject({ amount: 50_000 });
    expect(checkInvariants(h.app)).toEqual([]);
  });
});
