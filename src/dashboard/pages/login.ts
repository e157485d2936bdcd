import type { DashboardLinkRow } from "../../db/dashboard-auth-repo.ts";
import type { Locale } from "../../i18n.ts";
import { h, type Html, type PageTranslate } from "../html.ts";
import { BASE, publicPage } from "../layout.ts";

/**
 * The page a login link opens: whose link it is and a button that spends it (a POST), so a chat
 * app fetching the link for a preview cannot use it up (docs/dashboard.md#login).
 */
export function loginPage(l: Locale, t: PageTranslate, token: string, link: DashboardLinkRow): Html {
  return publicPage(
    l,
    t(l, "dashboard.login.title"),
    h`<p>${t(l, "dashboard.login.as", { actor: link.actor })}</p>
<form method="post" action="${BASE}/login">
  <input type="hidden" name="token" value="${token}">
  <button type="submit" id="login">${t(l, "dashboard.login.button")}</button>
</form>`,
  );
}

/** Where everyone without a session lands: how to get in. */
export function signInPage(l: Locale, t: PageTranslate, why: "signed_out" | "link_dead" | "not_admin" | "none"): Html {
  const reason =
    why === "link_dead"
      ? t(l, "dashboard.login.link_dead")
      : why === "not_admin"
        ? t(l, "dashboard.login.not_admin")
        : why === "signed_out"
          ? t(l, "dashboard.login.signed_out")
          : "";
  return publicPage(
    l,
    t(l, "dashboard.login.title"),
    h`${reason === "" ? "" : h`<p class="flash bad">${reason}</p>`}<p>${t(l, "dashboard.login.how")}</p>
<p class="muted">${t(l, "dashboard.login.lang")} <a href="${`${BASE}/lang/id?back=${encodeURIComponent(`${BASE}/signin`)}`}">ID</a> · <a href="${`${BASE}/lang/en?back=${encodeURIComponent(`${BASE}/signin`)}`}">EN</a></p>`,
  );
}
