import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Locale, Translate } from "../i18n.ts";
import { formatRupiah } from "../domain/money.ts";
import { formatWib } from "../domain/wib-time.ts";

/** Markup that is safe to send: built by `h`, where every interpolated string is HTML-escaped. */
export type Html = HtmlEscapedString;

/** What a page may interpolate: text (escaped), numbers, markup, lists of those; nothing else slips in. */
export type HtmlValue = string | number | null | undefined | false | Html | readonly HtmlValue[];

/**
 * The one way the dashboard writes HTML (docs/dashboard.md#pages): Hono's `html` tag, which escapes
 * every interpolated string (& < > " '), typed so that only text, numbers and markup go in. Never
 * given a promise, so its result is always ready.
 */
export function h(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  return html(strings, ...values) as Html;
}

/**
 * The translator's text as markup: locale templates are ours (trusted) and the translator escapes
 * every value it interpolates, so its output goes in as it is (escaping it again would show `&amp;`).
 */
export type PageTranslate = (locale: Locale, key: string, vars?: Record<string, unknown>) => Html;
export function pageTranslator(t: Translate): PageTranslate {
  return (locale, key, vars) => raw(t(locale, key, vars));
}

/** What every signed-in page knows. */
export interface PageContext {
  l: Locale;
  t: PageTranslate;
  now: number;
  /** The session's CSRF token, for every form that changes something. */
  csrf: string;
  actor: string;
  /** The path and query of this page (the language switch comes back to it). */
  here: string;
}

export const rupiah = (amount: number | null | undefined): string => (amount === null || amount === undefined ? "-" : formatRupiah(amount));
export const wib = (at: number | null | undefined): string => (at === null || at === undefined ? "-" : formatWib(at));

/** How long ago, in the largest two units: "3 j 5 mnt" / "3 h 5 min". */
export function age(ctx: Pick<PageContext, "l" | "t" | "now">, since: number): Html {
  const { l, t } = ctx;
  const minutes = Math.max(0, Math.floor((ctx.now - since) / 60_000));
  if (minutes < 60) return t(l, "dashboard.age.minutes", { m: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t(l, "dashboard.age.hours", { h: hours, m: minutes % 60 });
  return t(l, "dashboard.age.days", { d: Math.floor(hours / 24), h: hours % 24 });
}

/** A hidden field carrying the session's CSRF token. */
export const csrfField = (ctx: Pick<PageContext, "csrf">): Html => h`<input type="hidden" name="csrf" value="${ctx.csrf}">`;

/** Text cut to `max` characters (an ellipsis marks the cut), for cells that must stay one line. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

export { raw };
