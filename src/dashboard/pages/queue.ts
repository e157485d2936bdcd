import type { Repos } from "../../db/repos.ts";
import { fitPlain } from "../../domain/fit-text.ts";
import type { Translate } from "../../i18n.ts";
import { age, h, rupiah, wib, type Html, type PageContext } from "../html.ts";
import { BASE, page } from "../layout.ts";
import { methodCell, payerLink, reviewReason } from "./order-cells.ts";
import { ordersLink } from "./orders.ts";
import { productName, shownNumber, statusBadge, txLink } from "./tx-cells.ts";

const QUEUE_LIMIT = 200;

/** What an action came to, said on the queue page after it (POST, then redirect, then this). */
export const FLASHES = ["resolved", "not_open", "in_flight", "credited", "already_decided", "rejected", "too_large", "not_found", "confirm_large"] as const;
export type Flash = (typeof FLASHES)[number];

export function isFlash(value: string | undefined): value is Flash {
  return (FLASHES as readonly string[]).includes(value ?? "");
}

function flashText(ctx: PageContext, flash: Flash, subject: string): Html {
  const { l, t } = ctx;
  switch (flash) {
    case "resolved":
      return t(l, "dashboard.flash.resolved", { ref: subject });
    case "not_open":
      return t(l, "dashboard.flash.not_open", { ref: subject });
    case "in_flight":
      return t(l, "dashboard.flash.in_flight", { ref: subject });
    case "credited":
      return t(l, "dashboard.flash.credited", { id: subject });
    case "already_decided":
      return t(l, "dashboard.flash.already_decided", { id: subject });
    case "rejected":
      return t(l, "dashboard.flash.rejected", { id: subject });
    case "too_large":
      return t(l, "dashboard.flash.too_large", { id: subject });
    case "not_found":
      return t(l, "dashboard.flash.not_found");
    case "confirm_large":
      return t(l, "dashboard.flash.confirm_large", { id: subject });
  }
}

const GOOD: readonly Flash[] = ["resolved", "credited", "rejected"];

/**
 * The queue (docs/dashboard.md#queue): payments waiting (paying, pending, needs review) oldest first
 * with their age; the gateway's top-up orders that went to a person, the most recent first, to read
 * only (the chat alert already told the admins to credit by hand with /topup); and the payers' /isi
 * requests waiting for a decision. A needs-review payment and a request each lead to a confirmation
 * page; nothing here changes anything by itself.
 */
export function queuePage(ctx: PageContext, repos: Repos, translate: Translate, flash: { kind: Flash; subject: string } | null): Html {
  const { l, t } = ctx;
  const open = repos.txReports.open(QUEUE_LIMIT);
  const requests = repos.topupRequests.waiting(QUEUE_LIMIT);
  const reviews = repos.topupOrderReports.needingReview(QUEUE_LIMIT);
  // Past the limit the heading counts them all (one more pass); below it the list is the count.
  const reviewCount = reviews.length < QUEUE_LIMIT ? reviews.length : repos.topupOrderReports.reviewCount();
  const body = h`${flash === null ? "" : h`<p class="flash ${GOOD.includes(flash.kind) ? "" : "bad"}" role="status">${flashText(ctx, flash.kind, flash.subject)}</p>`}
<h2>${t(l, "dashboard.queue.payments", { count: open.length })}</h2>
<div class="table-wrap"><table>
  <thead><tr>
    <th>${t(l, "dashboard.queue.age")}</th><th>${t(l, "dashboard.tx.ref")}</th><th>${t(l, "dashboard.tx.product")}</th><th>${t(l, "dashboard.tx.number")}</th>
    <th class="num">${t(l, "dashboard.tx.total")}</th><th>${t(l, "dashboard.tx.status")}</th><th>${t(l, "dashboard.tx.reason")}</th><th>${t(l, "dashboard.queue.action")}</th>
  </tr></thead>
  <tbody>${
    open.length === 0
      ? h`<tr><td colspan="8" class="muted">${t(l, "dashboard.queue.none")}</td></tr>`
      : open.map(
          (tx) => h`<tr>
    <td>${age(ctx, tx.pay_started_at ?? tx.created_at)}</td>
    <td>${txLink(tx.ref)}</td>
    <td>${productName(translate, ctx, tx.product)}</td>
    <td class="mono">${shownNumber(tx)}</td>
    <td class="num">${rupiah(tx.total)}</td>
    <td>${statusBadge(ctx, tx.status)}</td>
    <td class="wrap">${fitPlain(tx.review_reason ?? tx.failure_code ?? "-", 60)}</td>
    <td>${
      tx.status === "needs_review"
        ? h`<span class="actions">
      <a class="button small" href="${`${BASE}/queue/${tx.ref}/resolve?verdict=paid`}">${t(l, "dashboard.queue.mark_paid")}</a>
      <a class="button small danger" href="${`${BASE}/queue/${tx.ref}/resolve?verdict=failed`}">${t(l, "dashboard.queue.mark_failed")}</a>
    </span>`
        : h`<span class="muted">${t(l, "dashboard.queue.reconciler")}</span>`
    }</td>
  </tr>`,
        )
  }</tbody>
</table></div>
<h2>${t(l, "dashboard.queue.orders", { count: reviewCount })}</h2>
<p class="muted">${t(l, "dashboard.queue.orders_note")}</p>
<div class="table-wrap"><table>
  <thead><tr>
    <th>${t(l, "dashboard.queue.age")}</th><th>${t(l, "dashboard.orders.order")}</th><th>${t(l, "dashboard.tx.owner")}</th>
    <th class="num">${t(l, "dashboard.queue.amount")}</th><th>${t(l, "dashboard.orders.method")}</th><th>${t(l, "dashboard.tx.reason")}</th><th>${t(l, "dashboard.tx.created")}</th>
  </tr></thead>
  <tbody>${
    reviews.length === 0
      ? h`<tr><td colspan="7" class="muted">${t(l, "dashboard.queue.no_orders")}</td></tr>`
      : reviews.map(
          (o) => h`<tr>
    <td>${age(ctx, o.closed_at ?? o.created_at)}</td>
    <td><a class="mono" href="${ordersLink({ q: o.order_id })}">${o.order_id}</a></td>
    <td>${payerLink(ctx, o.payer)}</td>
    <td class="num">${rupiah(o.amount)}</td>
    <td>${methodCell(o)}</td>
    <td class="wrap">${reviewReason(ctx, o.review_reason, o.paid_amount)}</td>
    <td>${wib(o.created_at)}</td>
  </tr>`,
        )
  }</tbody>
</table></div>
<h2>${t(l, "dashboard.queue.requests", { count: requests.length })}</h2>
<div class="table-wrap"><table>
  <thead><tr><th>${t(l, "dashboard.queue.age")}</th><th>#</th><th>${t(l, "dashboard.tx.owner")}</th><th class="num">${t(l, "dashboard.queue.amount")}</th><th>${t(l, "dashboard.queue.action")}</th></tr></thead>
  <tbody>${
    requests.length === 0
      ? h`<tr><td colspan="5" class="muted">${t(l, "dashboard.queue.no_requests")}</td></tr>`
      : requests.map(
          (r) => h`<tr>
    <td>${age(ctx, r.created_at)}</td><td>${r.id}</td><td class="mono">${r.public_id}</td><td class="num">${rupiah(r.amount)}</td>
    <td><span class="actions">
      <a class="button small" href="${`${BASE}/requests/${r.id}/approve`}">${t(l, "dashboard.queue.approve")}</a>
      <a class="button small danger" href="${`${BASE}/requests/${r.id}/reject`}">${t(l, "dashboard.queue.reject")}</a>
    </span></td>
  </tr>`,
        )
  }</tbody>
</table></div>`;
  return page(ctx, { section: "queue", title: t(l, "dashboard.queue.title"), body });
}
