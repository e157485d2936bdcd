import { describe, expect, it } from "vitest";
import { renderWhatsapp } from "../../../src/transports/whatsapp/render.ts";

describe("renderWhatsapp", () => {
  it("turns the engine's HTML into WhatsApp emphasis and keeps escaped text literal", () => {
    expect(renderWhatsapp({ text: "<b>Total</b> <i>Rp1</i> <code>LK1</code> &lt;b&gt;A&amp;B" }, "footer")).toBe("*Total* _Rp1_ ```LK1``` <b>A&B");
  });

  it("numbers the choices in order across rows and adds the footer", () => {
    const text = renderWhatsapp(
      {
        text: "Pilih:",
        nonce: 3,
        choices: [
          [
            { id: "a", label: "BPJS Kesehatan" },
            { id: "b", label: "BPJS Denda" },
          ],
          [{ id: "c", label: "Batal" }],
        ],
      },
      "Balas dengan angka pilihan Anda.",
    );
    expect(text).toBe("Pilih:\n\n1. BPJS Kesehatan\n2. BPJS Denda\n3. Batal\n\n_Balas dengan angka pilihan Anda._");
  });

  it("does not number the choices of a notice that is not the current menu", () => {
    expect(renderWhatsapp({ text: "Permintaan #4", choices: [[{ id: "topup:approve:4", label: "Setujui" }]] }, "footer")).toBe("Permintaan #4");
  });

  it("has no footer without choices", () => {
    expect(renderWhatsapp({ text: "ok", choices: [] }, "footer")).toBe("ok");
  });
});
