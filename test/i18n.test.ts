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

describe("templates are Telegram HTML", () => {
  it("write a literal & as &amp; (a bare one breaks Telegram's parser)", () => {
    const r = loadLocaleResources();
    for (const lng of ["id", "en"] as const) {
      for (const k of keys(r[lng])) {
        const value = k.split(".").reduce<unknown>((o, part) => (o as Record<string, unknown>)[part], r[lng]);
        if (k.endsWith("_button") || k.includes(".commands.")) continue; // plain-text labels
        expect(String(value), `${lng}:${k}`).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#\d+;|#x[0-9a-f]+;)/i);
      }
    }
  });
});

describe("the compiled translator", () => {
  it("renders every key exactly as i18next would: escaping, raw values, plurals, missing values and keys", async () => {
    const { default: i18next } = await import("i18next");
    const { createTranslator, loadLocaleResources } = await import("../src/i18n.ts");
    const res = loadLocaleResources();
    const reference = i18next.createInstance();
    await reference.init({
      initAsync: false,
      lng: "id",
      fallbackLng: "id",
      resources: { id: { translation: res.id }, en: { translation: res.en } },
      interpolation: { escapeValue: true },
      showSupportNotice: false,
      returnNull: false,
    });
    const t = createTranslator();
    const keys = new Set<string>(["nope.missing"]);
    const walk = (o: Record<string, unknown>, pre: string) => {
      for (const [k, v] of Object.entries(o)) {
        const n = pre ? `${pre}.${k}` : k;
        if (typeof v === "object" && v !== null) walk(v as Record<string, unknown>, n);
        else keys.add(n.replace(/_(one|other)$/, ""));
      }
    };
    walk(res.id, "");
    const varSets = [
      undefined,
      {},
      {
        count: 1,
        ref: "LK<x>&'/\"",
        value: "a<b>",
        line: "<i>l</i>",
        reason: "r&r",
        amount: "Rp1",
        balance: "Rp2",
        total: "Rp3",
        label: "O'Neil / x",
        product: "P",
        number: "88",
        min: 10,
        max: 16,
        text: "1",
        id: 5,
        user: "U1",
        name: "N&",
      },
      { count: 3, label: "x/y", interpolation: { escapeValue: false } },
    ];
    const diffs: string[] = [];
    for (const locale of ["id", "en"] as const) {
      for (const key of keys) {
        for (const vars of varSets) {
          const expected = String(reference.getFixedT(locale)(key, vars as never));
          const got = t(locale, key, vars as Record<string, unknown> | undefined);
          if (expected !== got) diffs.push(`${locale} ${key} ${JSON.stringify(vars)}: ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`);
        }
      }
    }
    expect(diffs).toEqual([]);
  });
});

describe("keys the code uses", () => {
  it("every literal key passed to t(…) exists in both languages", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const res = loadLocaleResources();
    const has = (locale: "id" | "en", key: string) =>
      [key, `${key}_other`].some(
        (k) =>
          k.split(".").reduce<unknown>((o, part) => (o && typeof o === "object" ? (o as Record<string, unknown>)[part] : undefined), res[locale]) !== undefined,
      );
    const missing: string[] = [];
    for (const file of readdirSync("src", { recursive: true }) as string[]) {
      if (!file.endsWith(".ts")) continue;
      const text = readFileSync(join("src", file), "utf8");
      for (const m of text.matchAll(/\bt\(\s*[\w.]+\s*,\s*"([a-z_]+(?:\.[a-z_-]+)+)"/g)) {
        for (const locale of ["id", "en"] as const) if (!has(locale, m[1]!)) missing.push(`${locale}: ${m[1]} (${file})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
