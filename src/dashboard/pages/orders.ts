import { z } from "zod";
import type { Repos } from "../../db/repos.ts";
import type { OrderFilter, ReportOrderRow } from "../../db/topup-order-reports-repo.ts";
import type { OrderStatus } from "../../db/topup-orders-repo.ts";
import { looksLikeOrderId } from "../../domain/topups/order-id.ts";
import { methodShort } from "../../domain/topups/topup-render.ts";
import { TOPUP_METHODS, type TopupMethod } from "../../gateway/port.ts";
import { h, rupiah, wib, type Html, type PageContext } from "../html.ts";
import { BASE, page } from "../layout.ts";
import { methodCell, ORDER_STATUSES, orderStatusCell, payerLink } from "./order-cells.ts";
import { txLink } from "./tx-cells.ts";

const PAGE_SIZE = 50;

/** Anything else in a filter is dropped, not an error: the page shows what it understood. */
const querySchema = z.object({
  q: z.string().trim().max(64).catch(""),
  status: z
    .enum(ORDER_STATUSES as [OrderStatus, ...OrderStatus[]])
    .optional()
    .catch(undefined),
  method: z
    .enum(TOPUP_METHODS as [TopupMethod, ...TopupMethod[]])
    .optional()
    .catch(undefined),
  before: z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number)
    .optional()
    .catch(undefined),
});
export type OrderQuery = z.infer<typeof querySchema>;

export function readOrderQuery(raw: Record<string, string>): OrderQuery {
  return querySchema.parse({ q: raw.q ?? "", status: raw.status || undefined, method: raw.method || undefined, before: raw.before || undefined });
}

/** An order id (LT…) finds that order; a payer's public id (U…) their orders; anything else finds nothing, and says so. */
function filterOf(q: OrderQuery): { filter: OrderFilter; understood: boolean } {
  const filter: OrderFilter = {};
  let understood = true;
  if (q.q !== "") {
    const upper = q.q.toUpperCase();
    if (looksLikeOrderId(upper)) filter.orderId = upper;
    else if (/^U[0-9A-Z]{7}$/.test(upper)) filter.payer = upper;
    else understood = false;
  }
  if (q.status) filter.status = q.status;
  if (q.method) filter.method = q.method;
  return { filter, understood };
}

/** The list with these filters (and a page start); every filter is kept across pages. */
export function ordersLink(q: Partial<OrderQuery>, before?: number): string {
  const params = new URLSearchParams();
  if (q.q !== undefined && q.q !== "") params.set("q", q.q);
  if (q.status) params.set("status", q.status);
  if (q.method) params.set("method", q.method);
  if (before !== undefined) params.set("before", String(before));
  const s = params.toString();
  return `${BASE}/orders${s === "" ? "" : `?${s}`}`;
}

function row(ctx: PageContext, o: ReportOrderRow): Html {
  return h`<tr>
  <td>${wib(o.created_at)}</td>
  <td class="mono">${o.order_id}</td>
  <td>${payerLink(ctx, o.payer)}</td>
  <td class="num">${rupiah(o.amount)}</td>
  <td>${methodCell(o)}</td>
  <td class="status">${orderStatusCell(ctx, o)}</td>
  <td>${wib(o.credited_at)}</td>
  <td>${o.bill_ref === null ? "-" : txLink(o.bill_ref)}</td>
</tr>`;
}

/**
 * The payment gateway's top-up orders (docs/dashboard.md#top-up-orders): search by order id or
 * payer, filters by status and method, newest first, 50 a page (keyset over the rowid). Read-only:
 * a top-up order changes only through the gateway's answers, or a person's /topup in chat. No QR
 * payload and no whole VA number reach this page (topup-order-reports-repo.ts never reads them).
 */
export function ordersPage(ctx: PageContext, repos: Repos, q: OrderQuery): Html {
  const { l, t } = ctx;
  const { filter, understood } = filterOf(q);
  const rows = understood ? repos.topupOrderReports.search(filter, PAGE_SIZE + 1, q.before) : [];
  const shown = rows.slice(0, PAGE_SIZE);
  const last = shown.at(-1);
  const next = rows.length > PAGE_SIZE && last ? ordersLink(q, last.row_id) : null;
  const body = h`<form class="filters" method="get" action="${BASE}/orders" role="search">
  <label>${t(l, "dashboard.orders.search")}<input type="search" name="q" value="${q.q}" placeholder="LT… / U…" maxlength="64"></label>
  <label>${t(l, "dashboard.tx.status")}<select name="status"><option value="">${t(l, "dashboard.tx.any_status")}</option>${ORDER_STATUSES.map(
    (s) => h`<option value="${s}" ${s === q.status ? "selected" : ""}>${t(l, `dashboard.order_status.${s}`)}</option>`,
  )}</select></label>
  <label>${t(l, "dashboard.orders.method")}<select name="method"><option value="">${t(l, "dashboard.orders.any_method")}</option>${TOPUP_METHODS.map(
    (m) => h`<option value="${m}" ${m === q.method ? "selected" : ""}>${methodShort(m)}</option>`,
  )}</select></label>
  <button type="submit">${t(l, "dashboard.tx.search_button")}</button>
  <a class="button secondary" href="${BASE}/orders">${t(l, "dashboard.tx.clear")}</a>
</form>
${understood ? "" : h`<p class="flash bad">${t(l, "dashboard.orders.not_understood")}</p>`}
<p class="muted">${t(l, "dashboard.orders.note")}</p>
<div class="table-wrap"><table class="orders">
  <thead><tr>
    <th>${t(l, "dashboard.tx.created")}</th><th>${t(l, "dashboard.orders.order")}</th><th>${t(l, "dashboard.tx.owner")}</th>
    <th class="num">${t(l, "dashboard.queue.amount")}</th><th>${t(l, "dashboard.orders.method")}</th><th>${t(l, "dashboard.tx.status")}</th>
    <th>${t(l, "dashboard.orders.credited")}</th><th>${t(l, "dashboard.orders.bill")}</th>
  </tr></thead>
  <tbody>${shown.length === 0 ? h`<tr><td colspan="8" class="muted">${t(l, "dashboard.orders.none")}</td></tr>` : shown.map((o) => row(ctx, o))}</tbody>
</table></div>
<div class="pager">
  ${q.before === undefined ? h`<span></span>` : h`<a href="${ordersLink(q)}">${t(l, "dashboard.pager.first")}</a>`}
  ${next === null ? "" : h`<a href="${next}">${t(l, "dashboard.pager.next")}</a>`}
</div>`;
  return page(ctx, { section: "orders", title: t(l, "dashboard.orders.title"), body });
}
