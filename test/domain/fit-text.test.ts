import { describe, expect, it } from "vitest";
import { fitHtml, fitPlain, visibleLength } from "../../src/domain/fit-text.ts";

describe("fit-text", () => {
  it("counts what the payer sees: tags nothing, an entity one character", () => {
    expect(visibleLength("<b>a&amp;b</b>")).toBe(3);
    expect(visibleLength("😀")).toBe(2);
  });

  it("leaves a text that fits untouched", () => {
    const html = "<b>Tagihan</b>\nNama: SITI &lt;B&gt;";
    expect(fitHtml(html, 4096)).toBe(html);
  });

  it("shortens a 5 KB text under the limit, never splitting a tag or an entity, closing what was open", () => {
    const html = `<b>Judul</b>\n<i>${"x&amp;y ".repeat(2000)}</i>`;
    const out = fitHtml(html, 4096);
    expect(visibleLength(out)).toBeLessThanOrEqual(4096);
    expect(out.endsWith("</i>…")).toBe(true);
    expect(out).not.toMatch(/&[a-z#0-9]*…|<[^>]*…/);
    expect(out.match(/<i>/g)).toHaveLength(1);
    expect(out.match(/<\/i>/g)).toHaveLength(1);
  });

  it("prefers to cut at a line break near the end", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `baris ${i} ${"-".repeat(10)}`).join("\n");
    const out = fitHtml(lines, 1000);
    expect(out.endsWith("-…")).toBe(true);
    expect(
      out
        .slice(0, -1)
        .split("\n")
        .every((l) => /^baris \d+ -{10}$/.test(l)),
    ).toBe(true);
  });

  it("does not split a surrogate pair", () => {
    const out = fitHtml("😀".repeat(3000), 4096);
    expect(visibleLength(out)).toBeLessThanOrEqual(4096);
    expect(out.at(-2)).toBe("\uDE00");
  });

  it("cuts plain text by characters", () => {
    expect(fitPlain("abcdef", 4)).toBe("abc…");
    expect(fitPlain("abc", 4)).toBe("abc");
  });
});
