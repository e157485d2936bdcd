import type { Repos } from "../../db/repos.ts";
import { cut, h, wib, type Html, type PageContext } from "../html.ts";
import { BASE, page } from "../layout.ts";

const PAGE_SIZE = 50;

/** Epoch milliseconds in a column named like a time (`…_at`) are shown in WIB; everything else as stored, cut. */
function cell(column: string, value: string | number | null): string {
  if (value === null) return "-";
  if (typeof value === "number" && /_at$/.test(column) && value > 1e12 && value < 1e14) return wib(value);
  return cut(String(value), 48);
}

/**
 * The gateway's top-up orders (docs/dashboard.md#top-up-orders), shown only when the table exists.
 * The table belongs to the gateway top-up feature; this page lists its columns as the database
 * reports them, newest first, and assumes no meaning for any of them.
 */
export function ordersPage(ctx: PageContext, repos: Repos, beforeRow: number | undefined): Html | null {
  const { l, t } = ctx;
  if (!repos.topupOrdersView.exists()) return null;
  const data = repos.topupOrdersView.page(PAGE_SIZE + 1, beforeRow);
  if (data === null)
    return page(ctx, { section: "orders", title: t(l, "dashboard.orders.title"), body: h`<p class="muted">${t(l, "dashboard.orders.unreadable")}</p>` });
  const shown = data.rows.slice(0, PAGE_SIZE);
  const last = shown.at(-1);
  const body = h`<p class="muted">${t(l, "dashboard.orders.note", { count: repos.topupOrdersView.count() })}</p>
<div class="table-wrap"><table>
  <thead><tr>${data.columns.map((c) => h`<th>${c}</th>`)}</tr></thead>
  <tbody>${
    shown.length === 0
      ? h`<tr><td colspan="${Math.max(1, data.columns.length)}" class="muted">${t(l, "dashboard.orders.none")}</td></tr>`
      : shown.map((r) => h`<tr>${r.values.map((v, i) => h`<td>${cell(data.columns[i] ?? "", v)}</td>`)}</tr>`)
  }</tbody>
</table></div>
<div class="pager">
  ${beforeRow === undefined ? h`<span></span>` : h`<a href="${BASE}/orders">${t(l, "dashboard.pager.first")}</a>`}
  ${data.rows.length > PAGE_SIZE && last ? h`<a href="${`${BASE}/orders?before=${last.rowId}`}">${t(l, "dashboard.pager.next")}</a>` : ""}
</div>`;
  return page(ctx, { section: "orders", title: t(l, "dashboard.orders.title"), body });
}
