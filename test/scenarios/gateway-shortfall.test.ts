import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { billRef, payCount, toBill } from "../helpers/flows.ts";
import { checkInvariants } from "../helpers/app-harness.ts";
import { balanceOf, botWithGateway, creditsOf, lastOrder, notify, paidAtGateway } from "../helpers/topups.ts";
import { shortfallAmount } from "../../src/domain/topups/shortfall.ts";

describe("paying a bill's shortfall with QRIS", () => {
  it("offers the shortfall rounded up to whole thousands; once credited the bill is paid once and the receipt follows", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7401");
    const bill = await toBill(p);
    const ref = billRef(p);
    const tx = h.app.repos.transactions.get(ref)!;
    const expected = shortfallAmount(tx.total!, 20_000, 10_000);
    expect(expected % 1000).toBe(0);
    expect(bill).toContain("belum cukup");
    const offer = p
      .last()
      .choices!.flat()
      .find((c) => c.id === `topupbill:${ref}`)!;
    expect(offer.label).toBe(`Bayar Rp${expected.toLocaleString("id-ID")} dengan QRIS`);

    const shown = await p.tap(`topupbill:${ref}`);
    expect(shown).toContain(`tagihan ${ref} langsung kami bayar`);
    const order = lastOrder(h, p);
    expect(order).toMatchObject({ amount: expected, method: "qris", bill_ref: ref });

    gw.pay(order.order_id);
    const before = p.messages().length;
    await notify(url, gw.notification(order.order_id));
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(payCount(h)).toBe(1);
    expect(h.app.repos.transactions.get(ref)!.status).toBe("paid");
    const after = p.since(before);
    expect(after).toContain("Sekarang tagihan Anda kami proses");
    expect(after).toContain("Pembayaran berhasil");
    expect(balanceOf(h, p)).toBe(20_000 + expected - tx.total!);
    expect(checkInvariants(h.app)).toEqual([]);

    // Told again (a duplicate notification, the poller, a check): the bill is not paid twice.
    await notify(url, gw.notification(order.order_id, { transaction_id: "again" }));
    h.clock.advance(60_000);
    await h.app.topups!.poller.runDue();
    await h.settle();
    expect(payCount(h)).toBe(1);
    expect(creditsOf(h, order.order_id)).toBe(1);
  });

  it("if the inquiry expired meanwhile, the credit stays and the payer is shown a fresh bill to confirm", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7402");
    await toBill(p);
    const ref = billRef(p);
    await p.tap(`topupbill:${ref}`);
    const order = lastOrder(h, p);
    h.clock.advance(11 * 60_000);
    gw.pay(order.order_id);
    const before = p.messages().length;
    await notify(url, gw.notification(order.order_id));
    await h.settle();
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(payCount(h)).toBe(0);
    expect(h.app.repos.transactions.get(ref)!.status).toBe("expired");
    const after = p.since(before);
    expect(after).toContain("tagihannya kami cek ulang");
    // The fresh inquiry, with its ordinary Pay choice; paying it is the payer's own confirmation.
    const pay = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("pay:"))!;
    expect(pay.id).not.toBe(`pay:${ref}`);
    expect(await p.tap(pay.id)).toContain("Pembayaran berhasil");
    expect(payCount(h)).toBe(1);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a bill the payer cancelled is not paid; the credit stays in the balance", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7403");
    await toBill(p);
    const ref = billRef(p);
    await p.tap(`topupbill:${ref}`);
    const order = lastOrder(h, p);
    await p.tap(`cancel:${ref}`);
    await paidAtGateway(h, gw, url, order.order_id);
    expect(payCount(h)).toBe(0);
    expect(balanceOf(h, p)).toBe(20_000 + order.amount);
    expect(p.lastText()).toContain(`Tagihan ${ref} sudah tidak menunggu pembayaran (dibatalkan)`);
  });

  it("the bill on screen stays payable the ordinary way; a second tap shows the same order", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7404");
    await toBill(p);
    const ref = billRef(p);
    await p.tap(`topupbill:${ref}`);
    const order = lastOrder(h, p);
    expect(await p.tap(`topupbill:${ref}`)).toContain("masih punya pesanan");
    expect(gw.callsOf("charge")).toBe(1);
    expect(lastOrder(h, p).order_id).toBe(order.order_id);
    // An admin credits by hand meanwhile: the ordinary Pay works, and the later QRIS credit pays nothing twice.
    await h.payer("9000").say(`/topup tg:7404 500000`);
    expect(await p.tap(`pay:${ref}`)).toContain("Pembayaran berhasil");
    gw.pay(order.order_id);
    h.clock.advance(20_000);
    await h.app.topups!.poller.runDue();
    await h.settle();
    expect(payCount(h)).toBe(1);
    expect(creditsOf(h, order.order_id)).toBe(1);
    expect(p.lastText()).toContain("(lunas)");
  });

  it("an open QRIS top-up not tied to a bill, large enough, now pays the bill", async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7405");
    await p.say("/isi 500000");
    const order = lastOrder(h, p);
    await toBill(p);
    const ref = billRef(p);
    expect(await p.tap(`topupbill:${ref}`)).toContain(order.order_id);
    expect(h.app.repos.topupOrders.get(order.order_id)!.bill_ref).toBe(ref);
    await paidAtGateway(h, gw, url, order.order_id);
    expect(payCount(h)).toBe(1);
  });

  it("not offered when the balance suffices, without QRIS, or above TOPUP_MAX; a forged or stale shortfall choice does nothing", async ({ bot }) => {
    const rich = await botWithGateway(bot);
    const a = rich.h.payer("7406");
    await toBill(a);
    expect(
      a
        .last()
        .choices!.flat()
        .some((c) => c.id.startsWith("topupbill:")),
    ).toBe(false);
    expect(await a.tap("topupbill:LK000000000000")).toContain("tidak berlaku");

    const vaOnly = await botWithGateway(bot, { DEMO_BALANCE: "20000", TOPUP_METHODS: "bca_va" });
    const b = vaOnly.h.payer("7407");
    await toBill(b);
    expect(
      b
        .last()
        .choices!.flat()
        .some((c) => c.id.startsWith("topupbill:")),
    ).toBe(false);

    const capped = await botWithGateway(bot, { DEMO_BALANCE: "0", TOPUP_MAX: "10000" });
    const c = capped.h.payer("7408");
    await toBill(c);
    expect(
      c
        .last()
        .choices!.flat()
        .some((x) => x.id.startsWith("topupbill:")),
    ).toBe(false);

    // The button of a bill no longer on screen.
    const stale = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const d = stale.h.payer("7409");
    await toBill(d);
    const ref = billRef(d);
    await d.say("menu");
    expect(await d.tap(`topupbill:${ref}`)).not.toContain("QRIS");
    expect(stale.gw.callsOf("charge")).toBe(0);
  });

  it("a shortfall chosen after the inquiry expired pays nothing and offers a fresh check", async ({ bot }) => {
    const { h, gw } = await botWithGateway(bot, { DEMO_BALANCE: "20000" });
    const p = h.payer("7410");
    await toBill(p);
    const ref = billRef(p);
    h.clock.advance(11 * 60_000);
    expect(await p.tap(`topupbill:${ref}`)).toContain("sudah habis");
    expect(gw.callsOf("charge")).toBe(0);
  });
});
