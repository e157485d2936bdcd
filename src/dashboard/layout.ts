import type { Locale } from "../i18n.ts";
import { csrfField, h, type Html, type PageContext, type PageTranslate } from "./html.ts";

export const BASE = "/admin";

type Section = "overview" | "transactions" | "queue" | "broadcasts" | "audit" | "orders" | "export";

const NAV: { section: Section; href: string }[] = [
  { section: "overview", href: BASE },
  { section: "transactions", href: `${BASE}/transactions` },
  { section: "queue", href: `${BASE}/queue` },
  { section: "broadcasts", href: `${BASE}/broadcasts` },
  { section: "audit", href: `${BASE}/audit` },
  { section: "orders", href: `${BASE}/orders` },
  { section: "export", href: `${BASE}/export` },
];

function navLabel(t: PageTranslate, l: Locale, section: Section): Html {
  switch (section) {
    case "overview":
      return t(l, "dashboard.nav.overview");
    case "transactions":
      return t(l, "dashboard.nav.transactions");
    case "queue":
      return t(l, "dashboard.nav.queue");
    case "broadcasts":
      return t(l, "dashboard.nav.broadcasts");
    case "audit":
      return t(l, "dashboard.nav.audit");
    case "orders":
      return t(l, "dashboard.nav.orders");
    case "export":
      return t(l, "dashboard.nav.export");
  }
}

/** The language switch: plain links, so it works without JavaScript; it comes back to the same page. */
function languageSwitch(l: Locale, here: string): Html {
  const link = (to: Locale, label: string) =>
    h`<a href="${`${BASE}/lang/${to}?back=${encodeURIComponent(here)}`}" class="${to === l ? "here" : ""}" lang="${to}">${label}</a>`;
  return h`<span class="lang">${link("id", "ID")} · ${link("en", "EN")}</span>`;
}

/** The document around every page: head (only our stylesheets and scripts, as the CSP allows), header, navigation. */
export function document(p: { l: Locale; title: Html; body: Html; head?: Html; scripts?: string[] }): Html {
  return h`<!doctype html>
<html lang="${p.l}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${p.title} · Loket</title>
<link rel="stylesheet" href="${BASE}/assets/dashboard.css">
${p.head ?? ""}
</head>
<body>
${p.body}
${(p.scripts ?? []).map((src) => h`<script src="${src}"></script>`)}
</body>
</html>`;
}

/** A signed-in page: the header with navigation, who is signed in, the language switch and logout. */
export function page(ctx: PageContext, p: { section: Section; title: Html; body: Html; head?: Html; scripts?: string[] }): Html {
  const { l, t } = ctx;
  const nav = NAV.map((n) => h`<a href="${n.href}" class="${n.section === p.section ? "here" : ""}">${navLabel(t, l, n.section)}</a>`);
  const body = h`<header class="top">
  <a class="brand" href="${BASE}">Loket</a>
  <nav aria-label="${t(l, "dashboard.nav.label")}">${nav}</nav>
  <div class="who">
    <span class="mono" title="${t(l, "dashboard.signed_in_as")}">${ctx.actor}</span>
    ${languageSwitch(l, ctx.here)}
    <form method="post" action="${BASE}/logout">${csrfField(ctx)}<button type="submit">${t(l, "dashboard.logout")}</button></form>
  </div>
</header>
<main>
<h1>${p.title}</h1>
${p.body}
</main>
<footer>${t(l, "dashboard.footer")}</footer>`;
  return document({ l, title: p.title, body, ...(p.head ? { head: p.head } : {}), ...(p.scripts ? { scripts: p.scripts } : {}) });
}

/** A page for someone not signed in (the login page, "send /dashboard"). */
export function publicPage(l: Locale, title: Html, content: Html): Html {
  return document({ l, title, body: h`<main class="centered"><h1>${title}</h1>${content}</main>` });
}
