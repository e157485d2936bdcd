import { wibDate } from "../../domain/wib-time.ts";
import { h, type Html, type PageContext } from "../html.ts";
import { BASE, page } from "../layout.ts";
import { statusOptions } from "./transactions.ts";

/** The export form: a range of WIB days (today's month by default) and, optionally, one status. */
export function exportPage(ctx: PageContext, problem: boolean): Html {
  const { l, t, now } = ctx;
  const today = wibDate(now);
  const body = h`${problem ? h`<p class="flash bad">${t(l, "dashboard.export.bad_range")}</p>` : ""}
<section class="panel">
<p>${t(l, "dashboard.export.intro")}</p>
<form class="filters" method="get" action="${BASE}/export.csv">
  <label>${t(l, "dashboard.export.from")}<input type="date" name="from" value="${`${today.slice(0, 8)}01`}" required></label>
  <label>${t(l, "dashboard.export.to")}<input type="date" name="to" value="${today}" required></label>
  <label>${t(l, "dashboard.tx.status")}<select name="status">${statusOptions(ctx, undefined)}</select></label>
  <button type="submit" id="export">${t(l, "dashboard.export.button")}</button>
</form>
</section>`;
  return page(ctx, { section: "export", title: t(l, "dashboard.export.title"), body });
}
