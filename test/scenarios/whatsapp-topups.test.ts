import { afterEach, describe, expect, it } from "vitest";
import { startWhatsapp, type WhatsappTransport } from "../../src/transports/whatsapp/start-whatsapp.ts";
import { setupApp, type Harness } from "../helpers/app-harness.ts";
import { fakeSocketFactory, manualScheduler, textMessage } from "../fakes/whatsapp-socket.ts";
import { createFakeGateway } from "../fakes/fake-gateway.ts";

const PN = "6281234567890@s.whatsapp.net";

let running: { h: Harness; wa: WhatsappTransport } | null = null;
afterEach(async () => {
  if (running) {
    await running.wa.stop();
    await running.h.close();
  }
  running = null;
});

describe("WhatsApp: a top-up by typed numbers", () => {
  it("'Isi saldo' from the numbered menu, an amount, a method: the QR arrives as a PNG image with its caption", async () => {
    const gw = createFakeGateway();
    const h = await setupApp({ TOPUP_METHODS: "qris,bni_va" }, { gateway: gw });
    const factory = fakeSocketFactory();
    const wa = await startWhatsapp(h.app.ports, { makeSocket: factory.makeSocket, scheduler: manualScheduler(), random: () => 0.5, print: () => {} });
    running = { h, wa };
    const sock = factory.last();
    sock.connecting();
    sock.open();
    const say = async (text: string) => {
      const before = sock.sent.length;
      sock.deliver([textMessage(PN, text)]);
      await wa.idle();
      await h.settle();
      return sock.sent.slice(before);
    };
    const menu = (await say("halo")).map((m) => m.text).join("\n");
    expect(menu).toContain("5. Isi saldo");
    expect((await say("5"))[0]!.text).toContain("Mau isi saldo berapa?");
    const methods = (await say("75rb"))[0]!.text;
    expect(methods).toContain("1. QRIS");
    expect(methods).toContain("2. Transfer BNI");
    const sent = await say("1");
    const picture = sent.find((m) => m.image !== undefined)!;
    expect(picture.image!.mimetype).toBe("image/png");
    expect(picture.image!.bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(picture.text).toContain("*Isi saldo Rp75.000 dengan QRIS*");
    expect(picture.text).toContain("1. Cek pembayaran");
    expect((await say("1"))[0]!.text).toContain("belum kami terima");
  });
});
