import { describe, expect, it } from "vitest";
import { TEMPLATE_PARAM_MAX, templateBody, templateFor, templateKindOf, templateParam } from "../../../src/transports/whatsapp-cloud/templates.ts";
import { codePoints } from "../../../src/transports/whatsapp-cloud/text.ts";

describe("templates", () => {
  it("joins the message into one line Meta accepts as a parameter (no line breaks, tabs or runs of spaces)", () => {
    const param = templateParam("✅ <b>Pembayaran berhasil</b>\nRef: <code>LK1</code>\n\n\tTotal:      Rp285.000\n");
    expect(param).toBe("✅ *Pembayaran berhasil* · Ref: ```LK1``` · Total: Rp285.000");
    expect(param).not.toMatch(/[\n\t]| {5,}/);
  });

  it("keeps a long message under the parameter limit and never sends an empty one", () => {
    expect(codePoints(templateParam("a\n".repeat(5000)))).toBeLessThanOrEqual(TEMPLATE_PARAM_MAX);
    expect(templateParam("  \n ")).toBe("-");
  });

  it("picks the template by the message's kind, the catch-all notice otherwise, in the person's language", () => {
    const config = { templates: { receipt: "loket_receipt" }, templateLanguages: { id: "id", en: "en_US" } };
    expect(templateKindOf({ kind: "receipt" })).toBe("receipt");
    expect(templateKindOf({})).toBe("notice");
    expect(templateFor(config, "receipt", "en")).toEqual({ name: "loket_receipt", language: "en_US" });
    expect(templateFor(config, "failed", "id")).toBeNull();
  });

  it("builds the send body as Meta documents it", () => {
    expect(templateBody("6281234567890", { name: "loket_receipt", language: "id" }, "x")).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "+6281234567890",
      type: "template",
      template: { name: "loket_receipt", language: { code: "id" }, components: [{ type: "body", parameters: [{ type: "text", text: "x" }] }] },
    });
  });
});
