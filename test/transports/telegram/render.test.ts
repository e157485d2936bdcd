import { describe, expect, it } from "vitest";
import { decodeCallbackData, encodeCallbackData, renderMessage } from "../../../src/transports/telegram/render.ts";

describe("callback data", () => {
  it("round-trips nonce and choice id, and refuses anything else", () => {
    expect(decodeCallbackData(encodeCallbackData(12, "pay:LK0123456789AB"))).toEqual({ nonce: 12, choiceId: "pay:LK0123456789AB" });
    expect(decodeCallbackData(encodeCallbackData(undefined, "topup:approve:5"))).toEqual({ choiceId: "topup:approve:5" });
    for (const bad of ["", "|", "menu", "1|", "01|menu", "1|menu|x", "1|me nu", "1|<b>", "-1|menu", "1|menü", `1|${"a".repeat(63)}`, "99999999999|menu"]) {
      expect(decodeCallbackData(bad), bad).toBeNull();
    }
  });
  it("fits every choice id the engine makes into 64 bytes", () => {
    for (const id of ["product:bpjs-ketenagakerjaan", "payagain:LK0123456789AB", "topup:approve:999999999999", "cmd:language", "unsave:999999999999"]) {
      expect(Buffer.byteLength(encodeCallbackData(4_294_967_295, id))).toBeLessThanOrEqual(64);
    }
    expect(() => encodeCallbackData(1, "x".repeat(64))).toThrow();
  });
  it("renders choices as an inline keyboard with plain-text labels", () => {
    // Labels are plain text: shown verbatim, whatever they contain.
    const r = renderMessage({ text: "<b>Hi</b>", nonce: 7, choices: [[{ id: "menu", label: "Hapus Ibu & <b>" }], [{ id: "cancel", label: "Batal" }]] });
    expect(r).toEqual({
      text: "<b>Hi</b>",
      reply_markup: { inline_keyboard: [[{ text: "Hapus Ibu & <b>", callback_data: "7|menu" }], [{ text: "Batal", callback_data: "7|cancel" }]] },
    });
    expect(renderMessage({ text: "plain" })).toEqual({ text: "plain" });
  });
});
