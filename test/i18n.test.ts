import { describe, expect, it } from "vitest";
import { createTranslator, loadLocaleResources } from "../src/i18n.ts";

function keys(obj: unknown, prefix = ""): string[] {
  if (obj === null || typeof obj !== "object") return [prefix];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, "");

describe("locales", () => {
  it("id and en hold the same keys", () => {
    const r = loadLocaleResources();
    const id = new Set(keys(r.id).map(base));
    const en = new Set(keys(r.en).map(base));
    expect([...id].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !id.has(k))).toEqual([]);
  });
  it("escapes interpolated values so names cannot inject HTML", () => {
    const t = createTranslator();
    expect(t("id", "bill.name", { value: 'SITI <B>&AMP; "ANI"' })).toBe("Nama: SITI &lt;B&gt;&amp;AMP; &quot;ANI&quot;");
  });
  it("uses only <b>, <i> and <code> tags in templates", () => {
    const r = loadLocaleResources();
    for (const lng of ["id", "en"] as const) {
      for (const k of keys(r[lng])) {
        const value = k.split(".").reduce<unknown>((o, part) => (o as Record<string, unknown>)[part], r[lng]);
        const tags = String(value).match(/<\/?([a-z]+)[^>]*>/g) ?? [];
        for (const tag of tags) expect(tag, `${lng}:${k}`).toMatch(/^<\/?(b|i|code)>$/);
      }
    }
  });
});
