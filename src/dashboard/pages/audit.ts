import type { Repos } from "../../db/repos.ts";
import { cut, h, wib, type Html, type PageContext } from "../html.ts";
import { BASE, page } from "../layout.ts";

const PAGE_SIZE = 50;

/** The audit log (docs/dashboard.md#audit): every admin action, newest first, 50 a page; details as recorded, cut to one line. */
export function auditPage(ctx: PageContext, repos: Repos, beforeId: number | undefined): Html {
  const { l, t } = ctx;
  const rows = repos.audit.page(PAGE_SIZE + 1, beforeId);
  const shown = rows.slice(0, PAGE_SIZE);
  const last = shown.at(-1);
  const body = h`<div class="table-wrap"><table>
  <thead><tr><th>#</th><th>${t(l, "dashboard.audit.time")}</th><th>${t(l, "dashboard.audit.actor")}</th><th>${t(l, "dashboard.audit.action")}</th><th>${t(l, "dashboard.audit.details")}</th></tr></thead>
  <tbody>${
    shown.length === 0
      ? h`<tr><td colspan="5" class="muted">${t(l, "dashboard.audit.none")}</td></tr>`
      : shown.map(
          (a) =>
            h`<tr><td>${a.id}</td><td>${wib(a.created_at)}</td><td class="mono">${a.actor}</td><td><code>${a.action}</code></td><td class="mono wrap">${cut(a.details, 160)}</td></tr>`,
        )
  }</tbody>
</table></div>
<div class="pager">
  ${beforeId === undefined ? h`<span></span>` : h`<a href="${BASE}/audit">${t(l, "dashboard.pager.first")}</a>`}
  ${rows.length > PAGE_SIZE && last ? h`<a href="${`${BASE}/audit?before=${last.id}`}">${t(l, "dashboard.pager.next")}</a>` : ""}
</div>`;
  return page(ctx, { section: "audit", title: t(l, "dashboard.audit.title"), body });
}
