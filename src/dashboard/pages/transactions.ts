import { z } from "zod";
import type { Repos } from "../../db/repos.ts";
import type { ReportTxRow, TxCursor, TxFilter } from "../../db/transaction-reports-repo.ts";
import type { TxStatus } from "../../db/transactions-repo.ts";
import { PRODUCT_IDS } from "../../domain/products.ts";
import { looksLikeRef } from "../../domain/ref.ts";
import { fitPlain } from "../../domain/fit-text.ts";
import type { Translate } from "../../i18n.ts";
import { age, cut, h, rupiah, wib, type Html, type PageContext } from "../html.ts";
import { BASE, page } from "../layout.ts";
import { productName, shownName, shownNumber, statusBadge, txLink } from "./tx-cells.ts";

export const TX_STATUSES: readonly TxStatus[] = [
  "inquiring",
  "inquiry_failed",
  "inquired",
  "cancelled",
  "expired",
  "paying",
  "pending",
  "needs_review",
  "paid",
  "failed",
];

const PAGE_SIZE = 50;

/** Anything else in a filter is dropped, not an error: the page shows what it understood. */
const querySchema = z.object({
  q: z.string().trim().max(64).catch(""),
  status: z
    .enum(TX_STATUSES as [TxStatus, ...TxStatus[]])
    .optional()
    .catch(undefined),
  product: z.enum(PRODUCT_IDS).optional().catch(undefined),
  before: z
    .string()
    .regex(/^\d{1,15}\.\d{1,15}$/)
    .optional()
    .catch(undefined),
});
export type TxQuery = z.infer<typeof querySchema>;

export function readTxQuery(raw: Record<string, string>): TxQuery {
  return querySchema.parse({ q: raw.q ?? "", status: raw.status || undefined, product: raw.product || undefined, before: raw.before || undefined });
}

/** A ref (LK…) searches by ref; digits search by the full customer number; anything else finds nothing. */
function filterOf(q: TxQuery): { filter: TxFilter; understood: boolean } {
  const filter: TxFilter = {};
  let understood = true;
  if (q.q !== "") {
    if (looksLikeRef(q.q)) filter.ref = q.q.toUpperCase();
    else if (/^\d{4,20}$/.test(q.q)) filter.number = q.q;
    else understood = false;
  }
  if (q.status) filter.status = q.status;
  if (q.product) filter.product = q.product;
  return { filter, understood };
}

function cursorOf(before: string | undefined): TxCursor | undefined {
  if (before === undefined) return undefined;
  const [at, row] = before.split(".").map(Number);
  return at === undefined || row === undefined ? undefined : { at, row };
}

function link(q: TxQuery, before?: string): string {
  const params = new URLSearchParams();
  if (q.q !== "") params.set("q", q.q);
  if (q.status) params.set("status", q.status);
  if (q.product) params.set("product", q.product);
  if (before !== undefined) params.set("before", before);
  const s = params.toString();
  return `${BASE}/transactions${s === "" ? "" : `?${s}`}`;
}

export function statusOptions(ctx: PageContext, selected: TxStatus | undefined): Html {
  const { l, t } = ctx;
  return h`<option value="">${t(l, "dashboard.tx.any_status")}</option>${TX_STATUSES.map(
    (s) => h`<option value="${s}" ${s === selected ? "selected" : ""}>${t(l, `dashboard.status.${s}`)}</option>`,
  )}`;
}

function row(ctx: PageContext, translate: Translate, tx: ReportTxRow): Html {
  return h`<tr>
  <td>${wib(tx.created_at)}</td>
  <td>${txLink(tx.ref)}</td>
  <td>${productName(translate, ctx, tx.product)}</td>
  <td class="mono">${shownNumber(tx)}</td>
  <td>${cut(shownName(tx), 28)}</td>
  <td class="num">${rupiah(tx.total)}</td>
  <td>${statusBadge(ctx, tx.status)}</td>
  <td class="mono">${tx.owner ?? ctx.t(ctx.l, "dashboard.tx.operator")}</td>
  <td>${tx.provider ?? "-"}</td>
</tr>`;
}

/**
 * Transactions (docs/dashboard.md#transactions): search by ref or full number, filters by status
 * and product, newest first, 50 a page (keyset: the next page starts after the last row shown).
 * Numbers of masked products and names are masked as they are in chat.
 */
export function transactionsPage(ctx: PageContext, repos: Repos, translate: Translate, q: TxQuery): Html {
  const { l, t } = ctx;
  const { filter, understood } = filterOf(q);
  const rows = understood ? repos.txReports.search(filter, PAGE_SIZE + 1, cursorOf(q.before)) : [];
  const shown = rows.slice(0, PAGE_SIZE);
  const last = shown.at(-1);
  const next = rows.length > PAGE_SIZE && last ? link(q, `${last.created_at}.${last.row_id}`) : null;
  const body = h`<form class="filters" method="get" action="${BASE}/transactions" role="search">
  <label>${t(l, "dashboard.tx.search")}<input type="search" name="q" value="${q.q}" placeholder="LK… / 8801…" maxlength="64"></label>
  <label>${t(l, "dashboard.tx.status")}<select name="status">${statusOptions(ctx, q.status)}</select></label>
  <label>${t(l, "dashboard.tx.product")}<select name="product"><option value="">${t(l, "dashboard.tx.any_product")}</option>${PRODUCT_IDS.map(
    (p) => h`<option value="${p}" ${p === q.product ? "selected" : ""}>${productName(translate, ctx, p)}</option>`,
  )}</select></label>
  <button type="submit">${t(l, "dashboard.tx.search_button")}</button>
  <a class="button secondary" href="${BASE}/transactions">${t(l, "dashboard.tx.clear")}</a>
</form>
${understood ? "" : h`<p class="flash bad">${t(l, "dashboard.tx.not_understood")}</p>`}
<div class="table-wrap"><table>
  <thead><tr>
    <th>${t(l, "dashboard.tx.created")}</th><th>${t(l, "dashboard.tx.ref")}</th><th>${t(l, "dashboard.tx.product")}</th>
    <th>${t(l, "dashboard.tx.number")}</th><th>${t(l, "dashboard.tx.name")}</th><th class="num">${t(l, "dashboard.tx.total")}</th>
    <th>${t(l, "dashboard.tx.status")}</th><th>${t(l, "dashboard.tx.owner")}</th><th>${t(l, "dashboard.tx.provider")}</th>
  </tr></thead>
  <tbody>${shown.length === 0 ? h`<tr><td colspan="9" class="muted">${t(l, "dashboard.tx.none")}</td></tr>` : shown.map((tx) => row(ctx, translate, tx))}</tbody>
</table></div>
<div class="pager">
  ${q.before === undefined ? h`<span></span>` : h`<a href="${link(q)}">${t(l, "dashboard.pager.first")}</a>`}
  ${next === null ? "" : h`<a href="${next}">${t(l, "dashboard.pager.next")}</a>`}
</div>`;
  return page(ctx, { section: "transactions", title: t(l, "dashboard.tx.title"), body });
}

/** One transaction, every field an admin needs, masked like the list; a needs-review payment offers its verdicts. */
export function transactionPage(ctx: PageContext, repos: Repos, translate: Translate, ref: string): Html | null {
  const { l, t } = ctx;
  const tx = looksLikeRef(ref) ? repos.txReports.get(ref.toUpperCase()) : undefined;
  if (!tx) return null;
  const reason = [tx.failure_reason, tx.failure_code, tx.failure_message, tx.review_reason]
    .filter((v): v is string => v !== null && v !== "")
    .map((v) => fitPlain(v, 120))
    .join(" / ");
  const field = (label: Html, value: Html | string | number) => h`<dt>${label}</dt><dd>${value}</dd>`;
  const body = h`<section class="panel confirm">
  <dl>
    ${field(t(l, "dashboard.tx.ref"), h`<span class="mono">${tx.ref}</span>`)}
    ${field(t(l, "dashboard.tx.status"), statusBadge(ctx, tx.status))}
    ${field(t(l, "dashboard.tx.product"), productName(translate, ctx, tx.product))}
    ${field(t(l, "dashboard.tx.number"), h`<span class="mono">${shownNumber(tx)}</span>`)}
    ${field(t(l, "dashboard.tx.name"), shownName(tx))}
    ${field(t(l, "dashboard.tx.period"), tx.months === null ? (tx.period ?? "-") : t(l, "dashboard.tx.months", { count: tx.months }))}
    ${field(t(l, "dashboard.tx.total"), rupiah(tx.total))}
    ${field(t(l, "dashboard.tx.fee"), rupiah(tx.fee))}
    ${field(t(l, "dashboard.tx.owner"), tx.owner ?? t(l, "dashboard.tx.operator"))}
    ${field(t(l, "dashboard.tx.provider"), `${tx.provider ?? "-"} · ${tx.provider_ref ?? "-"}`)}
    ${field(t(l, "dashboard.tx.created"), wib(tx.created_at))}
    ${field(t(l, "dashboard.tx.pay_started"), tx.pay_started_at === null ? "-" : h`${wib(tx.pay_started_at)} (${age(ctx, tx.pay_started_at)})`)}
    ${field(t(l, "dashboard.tx.settled"), tx.settled_at === null ? "-" : `${wib(tx.settled_at)} · ${tx.settled_by ?? "-"}`)}
    ${field(t(l, "dashboard.tx.reason"), reason === "" ? "-" : reason)}
    ${field(t(l, "dashboard.tx.checks"), tx.check_attempts)}
  </dl>
  ${
    tx.status === "needs_review"
      ? h`<p class="actions">
    <a class="button" href="${`${BASE}/queue/${tx.ref}/resolve?verdict=paid`}">${t(l, "dashboard.queue.mark_paid")}</a>
    <a class="button danger" href="${`${BASE}/queue/${tx.ref}/resolve?verdict=failed`}">${t(l, "dashboard.queue.mark_failed")}</a>
  </p>`
      : ""
  }
</section>
<p><a href="${BASE}/transactions">${t(l, "dashboard.tx.back")}</a></p>`;
  return page(ctx, { section: "transactions", title: h`${t(l, "dashboard.tx.one_title")} ${tx.ref}`, body });
}
