import { describe, expect, it } from "vitest";
import type { Choice, OutboundMessage } from "../../../src/domain/messages.ts";
import { graphBody, LIMITS, renderCloud, type CloudContent } from "../../../src/transports/whatsapp-cloud/render.ts";
import { decodeReplyId } from "../../../src/transports/whatsapp-cloud/reply-ids.ts";
import { codePoints } from "../../../src/transports/whatsapp-cloud/text.ts";

const WORDS = { replyWithNumber: "Balas dengan angka pilihan Anda.", listButton: "Pilih", listSection: "Pilihan" };
const choices = (n: number, label = (i: number) => `Pilihan ${i}`): Choice[][] =>
  Array.from({ length: n }, (_, i) => [{ id: `saved:${i + 1}`, label: label(i + 1) }]);

function as<T extends CloudContent["type"]>(content: CloudContent, type: T): Extract<CloudContent, { type: T }> {
  expect(content.type).toBe(type);
  return content as Extract<CloudContent, { type: T }>;
}

describe("renderCloud", () => {
  it("turns the engine's HTML into WhatsApp emphasis and keeps escaped text literal", () => {
    const text = as(renderCloud({ text: "<b>Total</b> <i>Rp1</i> <code>LK1</code> &lt;b&gt;A&amp;B" }, WORDS), "text");
    expect(text.body).toBe("*Total* _Rp1_ ```LK1``` <b>A&B");
  });

  it("makes up to three choices of a menu reply buttons, ids carrying the nonce, titles cut to 20", () => {
    const message: OutboundMessage = {
      text: "<b>Tagihan</b>",
      nonce: 7,
      choices: [[{ id: "pay:LK0000000000AB", label: "Bayar Rp1.234.567.890.123" }], [{ id: "cancel:LK0000000000AB", label: "Batal" }]],
    };
    const buttons = as(renderCloud(message, WORDS), "buttons");
    expect(buttons.body).toBe("*Tagihan*");
    expect(buttons.buttons.map((b) => b.title)).toEqual(["Bayar Rp1.234.567.8…", "Batal"]);
    expect(buttons.buttons.every((b) => codePoints(b.title) <= LIMITS.buttonTitle)).toBe(true);
    expect(buttons.buttons.map((b) => decodeReplyId(b.id))).toEqual([
      { nonce: 7, choiceId: "pay:LK0000000000AB" },
      { nonce: 7, choiceId: "cancel:LK0000000000AB" },
    ]);
  });

  it("makes four to ten choices a list: titles cut to 24, the whole label as the description (72)", () => {
    const long = "BPJS Ketenagakerjaan BPU (pekerja bukan penerima upah) untuk keluarga besar kami semua yang jauh di sana";
    const list = as(renderCloud({ text: "Pilih:", nonce: 2, choices: choices(10, (i) => (i === 3 ? long : `Pilihan ${i}`)) }, WORDS), "list");
    expect(list.rows).toHaveLength(10);
    expect(list.button).toBe("Pilih");
    expect(list.section).toBe("Pilihan");
    const row = list.rows[2]!;
    expect(codePoints(row.title)).toBe(LIMITS.rowTitle);
    expect(row.title.endsWith("…")).toBe(true);
    expect(codePoints(row.description!)).toBe(LIMITS.rowDescription);
    expect(list.rows[0]!.description).toBeUndefined();
    expect(list.rows.every((r) => r.id.length <= 200)).toBe(true);
  });

  it("numbers more than ten choices as text, with the footer (the engine's numbered-menu convention)", () => {
    const text = as(renderCloud({ text: "Nomor tersimpan:", nonce: 1, choices: choices(11) }, WORDS), "text");
    expect(text.body).toBe(
      ["Nomor tersimpan:", "", ...Array.from({ length: 11 }, (_, i) => `${i + 1}. Pilihan ${i + 1}`), "", "_Balas dengan angka pilihan Anda._"].join("\n"),
    );
  });

  it("shows no choices of a notice that is not the current menu (no nonce)", () => {
    expect(renderCloud({ text: "Permintaan #4", choices: [[{ id: "topup:approve:4", label: "Setujui" }]] }, WORDS)).toEqual({
      type: "text",
      body: "Permintaan #4",
    });
  });

  it("sends a menu whose text is too long for an interactive body as numbered text, cutting nothing", () => {
    const text = "x".repeat(1500);
    const content = as(renderCloud({ text, nonce: 1, choices: choices(2) }, WORDS), "text");
    expect(content.body.startsWith(text)).toBe(true);
    expect(content.body).toContain("1. Pilihan 1");
  });

  it("never sends an interactive message Meta would refuse: blank body or blank label → numbered text", () => {
    expect(renderCloud({ text: " ", nonce: 1, choices: choices(2) }, WORDS).type).toBe("text");
    expect(renderCloud({ text: "Pilih", nonce: 1, choices: choices(5, (i) => (i === 2 ? " " : `P${i}`)) }, WORDS).type).toBe("text");
  });

  it("falls back to a list when two button titles are the same after the cut", () => {
    const same = (i: number) => `Nomor yang sangat panjang sekali ${i}`;
    const list = as(renderCloud({ text: "Pilih", nonce: 1, choices: choices(2, same) }, WORDS), "list");
    expect(list.rows.map((r) => r.description)).toEqual([same(1), same(2)]);
  });

  it("cuts a text over 4,096 (as Meta counts: code points), closing what it cut open", () => {
    const body = as(renderCloud({ text: `<b>${"😀".repeat(5000)}</b>` }, WORDS), "text").body;
    expect(codePoints(body)).toBeLessThanOrEqual(LIMITS.text);
    expect(body.startsWith("*")).toBe(true);
    expect(body.endsWith("*…")).toBe(true);
  });

  it("keeps numbered choices and cuts the text before them when both are long", () => {
    const body = as(renderCloud({ text: "y".repeat(5000), nonce: 1, choices: choices(12) }, WORDS), "text").body;
    expect(codePoints(body)).toBeLessThanOrEqual(LIMITS.text);
    expect(body).toContain("12. Pilihan 12");
  });

  it("sends a QR as a captioned image, or as the header of its buttons", () => {
    const image = { kind: "qr" as const, payload: "00020101021226" };
    const captioned = as(renderCloud({ text: "Pindai QR ini", image }, WORDS), "image");
    expect(captioned.caption).toBe("Pindai QR ini");
    const withButtons = as(renderCloud({ text: "Pindai QR ini", image, nonce: 3, choices: choices(1) }, WORDS), "buttons");
    expect(withButtons.image).toEqual(image);
    const many = as(renderCloud({ text: "Pindai QR ini", image, nonce: 3, choices: choices(5) }, WORDS), "image");
    expect(many.caption).toContain("5. Pilihan 5");
    const long = as(renderCloud({ text: "z".repeat(3000), image }, WORDS), "image");
    expect(codePoints(long.caption)).toBeLessThanOrEqual(LIMITS.caption);
  });

  it("addresses the body to +<wa_id> and builds each type as Meta documents it", () => {
    expect(graphBody("6281234567890", { type: "text", body: "hi" })).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "+6281234567890",
      type: "text",
      text: { body: "hi", preview_url: false },
    });
    expect(graphBody("62812", { type: "image", image: { kind: "qr", payload: "p" }, caption: "c" }, "MEDIA1")).toMatchObject({
      type: "image",
      image: { id: "MEDIA1", caption: "c" },
    });
    expect(
      graphBody("62812", { type: "buttons", body: "b", buttons: [{ id: "1|menu", title: "Menu" }], image: { kind: "qr", payload: "p" } }, "MEDIA1"),
    ).toMatchObject({
      interactive: {
        type: "button",
        header: { type: "image", image: { id: "MEDIA1" } },
        action: { buttons: [{ type: "reply", reply: { id: "1|menu", title: "Menu" } }] },
      },
    });
    expect(graphBody("62812", { type: "list", body: "b", button: "Pilih", section: "Pilihan", rows: [{ id: "1|menu", title: "Menu" }] })).toMatchObject({
      interactive: { type: "list", action: { button: "Pilih", sections: [{ title: "Pilihan", rows: [{ id: "1|menu", title: "Menu" }] }] } },
    });
  });
});
