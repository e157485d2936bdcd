import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { createFakeGateway } from "../fakes/fake-gateway.ts";
import { NOTIFICATION_PATH } from "../../src/gateway/notification-endpoint.ts";

describe("Telegram: a QRIS top-up end to end", () => {
  it("/isi arrives as a photo of the QR with the order in its caption; the credit as a new message", async ({ telegram }) => {
    const gw = createFakeGateway();
    const th = await telegram({ gateway: gw });
    const payer = th.user(6101);
    const answer = await payer.say("/isi 100rb");
    expect(answer).toContain("Isi saldo Rp100.000 dengan QRIS");
    const [photo] = th.fake.callsOf("sendPhoto", 6101);
    expect(photo!.status).toBe("ok");
    const [order] = [...gw.orders.values()];
    expect(String(photo!.payload.caption)).toContain(order!.orderId);
    const shown = th.fake.botMessages(6101).find((m) => m.photo !== undefined)!;
    expect(shown.buttons.flat().map((b) => b.callback_data.split("|")[1])).toContain(`topupcheck:${order!.orderId}`);

    // The payer pays; the notification arrives; the credit is told in a message of its own.
    gw.pay(order!.orderId);
    const { port } = await th.h.app.http.listen();
    const res = await fetch(`http://127.0.0.1:${port}${NOTIFICATION_PATH}`, { method: "POST", body: JSON.stringify(gw.notification(order!.orderId)) });
    expect(res.status).toBe(200);
    await th.h.settle();
    await th.fake.waitForCall((c) => c.method === "sendMessage" && String(c.payload.text).includes("Rp1.100.000"), "the credit notice");
    expect(th.fake.callsOf("editMessageText", 6101)).toHaveLength(0);
  });

  it("'Cek pembayaran' is a button that asks the gateway", async ({ telegram }) => {
    const gw = createFakeGateway();
    const th = await telegram({ gateway: gw });
    const payer = th.user(6102);
    await payer.say("/isi 20000");
    expect(await payer.tap("topupcheck:")).toContain("belum kami terima");
    const [order] = [...gw.orders.values()];
    gw.pay(order!.orderId);
    th.clock.advance(10_000);
    expect(await payer.tap("topupcheck:")).toContain("Saldo Anda sekarang Rp1.020.000");
  });
});
