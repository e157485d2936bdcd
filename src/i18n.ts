import i18next, { type i18n as I18n } from "i18next";
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export type Locale = "id" | "en";
export const LOCALES: readonly Locale[] = ["id", "en"];

export function isLocale(value: string): value is Locale {
  return value === "id" || value === "en";
}

/** A stored language (a user's choice, a platform's hint such as "en-GB"), or the fallback. */
export function localeOr(stored: string | null | undefined, fallback: Locale): Locale {
  const lang = stored?.slice(0, 2).toLowerCase();
  return lang !== undefined && isLocale(lang) ? lang : fallback;
}

/** Renders a key in a locale. Interpolated values are HTML-escaped, so templates may use <b>, <i>, <code>. */
export type Translate = (locale: Locale, key: string, vars?: Record<string, unknown>) => string;

export const LOCALES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "locales");

/** Each file locales/<lng>/<feature>.json becomes the top-level key <feature>. */
export function loadLocaleResources(dir = LOCALES_DIR): Record<Locale, Record<string, unknown>> {
  const out = { id: {}, en: {} } as Record<Locale, Record<string, unknown>>;
  for (const lng of LOCALES) {
    for (const file of readdirSync(join(dir, lng)).sort()) {
      if (!file.endsWith(".json")) continue;
      out[lng][file.slice(0, -5)] = JSON.parse(readFileSync(join(dir, lng, file), "utf8")) as unknown;
    }
  }
  return out;
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "/": "&#x2F;" };

/** What i18next's default escape does to an interpolated value (so templates may hold <b>, <i>, <code>). */
function escapeValue(value: string): string {
  return value.replace(/[&<>"'/]/g, (c) => ENTITIES[c]!);
}

/** A template cut into literal text and `{{name}}` (escaped) / `{{- name}}` (as is) holes. */
type Compiled = (string | { name: string; raw: boolean; source: string })[];

function compile(template: string): Compiled {
  const parts: Compiled = [];
  let last = 0;
  for (const m of template.matchAll(/\{\{(-?)\s*([\w.]+)\s*\}\}/g)) {
    if (m.index > last) parts.push(template.slice(last, m.index));
    parts.push({ name: m[2]!, raw: m[1] === "-", source: m[0] });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

/**
 * i18next holds the resources and the fallback language; rendering is compiled once per key and
 * plural form, because interpolating through i18next on every message is measurable on the hot path.
 * Values are escaped as i18next escapes them; `count` picks the plural form (`key_one`, `key_other`)
 * with the language's own rules, as i18next does; a missing key renders as the key itself.
 */
export function createTranslator(dir = LOCALES_DIR): Translate {
  const resources = loadLocaleResources(dir);
  const instance: I18n = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: "id",
    fallbackLng: "id",
    resources: {
      id: { translation: resources.id },
      en: { translation: resources.en },
    },
    interpolation: { escapeValue: true },
    showSupportNotice: false,
    returnNull: false,
  });
  const plurals: Record<Locale, Intl.PluralRules> = { id: new Intl.PluralRules("id"), en: new Intl.PluralRules("en") };
  const cache = new Map<string, Compiled | null>();

  function lookup(locale: Locale, key: string): Compiled | null {
    const k = `${locale}\u0000${key}`;
    let compiled = cache.get(k);
    if (compiled === undefined) {
      const own = instance.getResource(locale, "translation", key) as unknown;
      const text = typeof own === "string" ? own : (instance.getResource("id", "translation", key) as unknown);
      compiled = typeof text === "string" ? compile(text) : null;
      cache.set(k, compiled);
    }
    return compiled;
  }

  return (locale, key, vars) => {
    const count = vars?.["count"];
    const compiled =
      (typeof count === "number" ? (lookup(locale, `${key}_${plurals[locale].select(count)}`) ?? lookup(locale, `${key}_other`)) : null) ?? lookup(locale, key);
    if (compiled === null) return key;
    const escape = (vars?.["interpolation"] as { escapeValue?: boolean } | undefined)?.escapeValue !== false;
    let out = "";
    for (const part of compiled) {
      if (typeof part === "string") {
        out += part;
        continue;
      }
      const value = vars?.[part.name];
      // A value not given stays visible as its placeholder, as i18next leaves it.
      if (value === undefined) {
        out += part.source;
        continue;
      }
      const text = value === null ? "" : String(value);
      out += part.raw || !escape ? text : escapeValue(text);
    }
    return out;
  };
}
