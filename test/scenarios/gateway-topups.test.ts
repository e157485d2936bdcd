import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { checkInvariants } from "../helpers/app-harness.ts";
import { balanceOf, botWithGateway, creditsOf, lastOrder, notify } from "../helpers/topups.ts";

describe("a payer tops up with QRIS", () => {
  it("/isi 100000 writes the order before the charge and shows a QR with amount, expiry (WIB) and order", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot);
    const p = h.payer("7001");
    await p.say("/start");
    let seenBeforeCharge: unknown = null;
    gw.onCharge = (req) => {
      // Committed before the gateway heard of it: visible to a reader outside the bot's transaction.
      seenBeforeCharge = h.app.db.prepare("SELECT status, amount FROM topup_orders WHERE order_id = ?").get(req.orderId);
    };
    const text = await p.say("/isi 100000");
    expect(seenBeforeCharge).toEqual({ status: "pending", amount: 100_000 });
    const order = lastOrder(h, p);
    const shown = p.last();
    expect(shown.image).toEqual({ kind: "qr", payload: gw.orders.get(order.order_id)!.qrPayload });
    expect(shown.text).toContain("Rp100.000");
    expect(shown.text).toContain("22-11-2026 10:15 WIB");
    expect(shown.text).toContain(order.order_id);
    expect(shown.choices!.flat().map((c) => c.id)).toContain(`topupcheck:${order.order_id}`);
    expect(text).toContain("Membuat pembayaran");
    expect(gw.callsOf("charge")).toBe(1);
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
    expect(checkInvariants(h.app)).toEqual([]);
  });
});
