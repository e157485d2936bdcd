import { describe, expect, it } from "vitest";
import { createWhatsappAuthRepo } from "../../../src/db/whatsapp-auth-repo.ts";
import { openDatabase } from "../../../src/db/open.ts";
import { createAuthStore } from "../../../src/transports/whatsapp/auth-state.ts";
import { MAX_TEXT_LENGTH } from "../../../src/transports/whatsapp/render.ts";
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

  it("shortens a 5 KB text with a menu instead of dropping it: the start, the choices and the footer arrive", async () => {
    const sock = new FakeWhatsappSocket(authState());
    const sender = createWhatsappSender({ socket: () => sock, footer: () => "Balas dengan angka pilihan Anda." });
    const long = `<b>Nomor tersimpan</b>\n${"8801234560000 &amp; <i>Nama Panjang Sekali</i>\n".repeat(120)}`;
    expect(long.length).toBeGreaterThan(5_000);
    await sender.send(PN, { text: long, nonce: 2, choices: [[{ id: "menu", label: "Menu utama" }]] }, null);
    const [sent] = sock.sent;
    // MAX_TEXT_LENGTH counts what the payer reads; WhatsApp's own emphasis marks come on top.
    const body = sent!.text.slice(0, sent!.text.indexOf("\n\n1. Menu utama"));
    expect(body.replace(/[*_]/g, "").length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
    expect(body.length).toBeGreaterThan(MAX_TEXT_LENGTH / 2);
    expect(sent!.text.startsWith("*Nomor tersimpan*\n8801234560000 & _Nama Panjang Sekali_")).toBe(true);
    expect(sent!.text).toContain("…");
    expect(sent!.text.endsWith("1. Menu utama\n\n_Balas dengan angka pilihan Anda._")).toBe(true);
    expect(sent!.text).not.toMatch(/<\/?i>|&amp;/);
  });
});
