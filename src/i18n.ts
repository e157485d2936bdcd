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
  const fixed = { id: instance.getFixedT("id"), en: instance.getFixedT("en") };
  // Most labels have no variables; rendering them through i18next every time is measurable on the hot path.
  const plain = new Map<string, string>();
  return (locale, key, vars) => {
    if (vars !== undefined) return fixed[locale](key, vars) as string;
    const k = `${locale}:${key}`;
    let text = plain.get(k);
    if (text === undefined) {
      text = fixed[locale](key, {}) as string;
      plain.set(k, text);
    }
    return text;
  };
}
