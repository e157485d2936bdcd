import { describe, expect, it } from "vitest";
import { createWhatsappAuthRepo } from "../../../src/db/whatsapp-auth-repo.ts";
import { openDatabase } from "../../../src/db/open.ts";
import { createAuthStore } from "../../../src/transports/whatsapp/auth-state.ts";
import { createWhatsappSender } from "../../../src/transports/whatsapp/sender.ts";
import { FakeWhatsappSocket } from "../../fakes/whatsapp-socket.ts";

const PN = "6281234567890@s.whatsapp.net";
const authState = () => createAuthStore(createWhatsappAuthRepo(openDatabase(":memory:"))).load().state;

describe("WhatsApp sender", () => {
  it("sends a QR as a PNG image (mimetype image/png) with the message as its caption, choices numbered", async () => {
    const sock = new FakeWhatsappSocket(authState());
    const sender = createWhatsappSender({ socket: () => sock, footer: () => "Balas dengan angka pilihan Anda." });
    const id = await sender.send(
      PN,
      {
        text: "<b>Isi saldo Rp100.000 dengan QRIS</b>\nNo. pesanan: <code>LT1</code>",
        image: { kind: "qr", payload: "000201010212LT1" },
        nonce: 1,
        choices: [[{ id: "x", label: "Cek pembayaran" }]],
      },
      null,
    );
    const [sent] = sock.sent;
    expect(id).toBe(sent!.id);
    expect(sent!.image!.mimetype).toBe("image/png");
    expect(sent!.image!.bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(sent!.text).toBe("*Isi saldo Rp100.000 dengan QRIS*\nNo. pesanan: ```LT1```\n\n1. Cek pembayaran\n\n_Balas dengan angka pilihan Anda._");
  });

  it("sends plain text as before", async () => {
    const sock = new FakeWhatsappSocket(authState());
    const sender = createWhatsappSender({ socket: () => sock, footer: () => "f" });
    await sender.send(PN, { text: "halo" }, null);
    expect(sock.sent).toEqual([{ jid: PN, text: "halo", id: expect.any(String) }]);
  });
});
