import type { Repos } from "../../db/repos.ts";
import type { ReportTxRow } from "../../db/transaction-reports-repo.ts";
import { formatRupiah } from "../../domain/money.ts";
import type { Translate } from "../../i18n.ts";
import { csrfField, h, rupiah, wib, age, type Html, type PageContext } from "../html.ts";
import { BASE, page } from "../layout.ts";
import { productName, shownName, shownNumber, statusBadge } from "./tx-cells.ts";

function txFacts(ctx: PageContext, translate: Translate, tx: ReportTxRow): Html {
  const { l, t } = ctx;
  return h`<dl>
  <dt>${t(l, "dashboard.tx.ref")}</dt><dd class="mono">${tx.ref}</dd>
  <dt>${t(l, "dashboard.tx.status")}</dt><dd>${statusBadge(ctx, tx.status)}</dd>
  <dt>${t(l, "dashboard.tx.product")}</dt><dd>${productName(translate, ctx, tx.product)}</dd>
  <dt>${t(l, "dashboard.tx.number")}</dt><dd class="mono">${shownNumber(tx)}</dd>
  <dt>${t(l, "dashboard.tx.name")}</dt><dd>${shownName(tx)}</dd>
  <dt>${t(l, "dashboard.tx.total")}</dt><dd>${rupiah(tx.total)}</dd>
  <dt>${t(l, "dashboard.tx.owner")}</dt><dd class="mono">${tx.owner ?? t(l, "dashboard.tx.operator")}</dd>
  <dt>${t(l, "dashboard.tx.pay_started")}</dt><dd>${tx.pay_started_at === null ? "-" : h`${wib(tx.pay_started_at)} (${age(ctx, tx.pay_started_at)})`}</dd>
  <dt>${t(l, "dashboard.tx.reason")}</dt><dd>${tx.review_reason ?? "-"}</dd>
</dl>`;
}

/**
 * "Settle LK… as paid / failed?": what the verdict will do, and a form that carries the CSRF token.
 * The verdict itself is admin-actions.ts's resolvePayment, the chat's /resolve.
 */
export function resolveConfirmPage(ctx: PageContext, repos: Repos, translate: Translate, ref: string, verdict: "paid" | "failed"): Html | null {
  const { l, t } = ctx;
  const tx = repos.txReports.get(ref);
  if (!tx) return null;
  const waiting = tx.status === "needs_review";
  const body = h`<section class="panel confirm">
  <p>${verdict === "paid" ? t(l, "dashboard.confirm.resolve_paid", { ref }) : t(l, "dashboard.confirm.resolve_failed", { ref, amount: rupiah(tx.total) })}</p>
  ${txFacts(ctx, translate, tx)}
  ${
    waiting
      ? h`<form method="post" action="${`${BASE}/queue/${tx.ref}/resolve`}" class="actions">
    ${csrfField(ctx)}
    <input type="hidden" name="verdict" value="${verdict}">
    <button type="submit" class="${verdict === "failed" ? "danger" : ""}" id="confirm">${
      verdict === "paid" ? t(l, "dashboard.confirm.do_paid") : t(l, "dashboard.confirm.do_failed")
    }</button>
    <a class="button secondary" href="${BASE}/queue">${t(l, "dashboard.confirm.cancel")}</a>
  </form>`
      : h`<p class="flash bad">${t(l, "dashboard.confirm.not_needs_review")}</p><p><a href="${BASE}/queue">${t(l, "dashboard.confirm.back")}</a></p>`
  }
</section>`;
  return page(ctx, { section: "queue", title: t(l, "dashboard.confirm.resolve_title"), body });
}

/**
 * "Approve / reject request #n?": the payer, the amount, and — above TOPUP_CONFIRM_ABOVE — a box to
 * tick, the dashboard's form of the chat's "are you sure?" (the same rule, admin-actions.ts).
 */
export function requestConfirmPage(
  ctx: PageContext,
  repos: Repos,
  id: number,
  approve: boolean,
  rule: "too_large" | "confirm" | "apply",
  limits: { confirmAbove: number; max: number },
): Html | null {
  const { l, t } = ctx;
  const request = repos.topupRequests.get(id);
  if (!request) return null;
  const user = repos.users.findById(request.user_id);
  const pending = request.status === "pending";
  const amount = rupiah(request.amount);
  let form: Html;
  if (!pending) form = h`<p class="flash bad">${t(l, "dashboard.flash.already_decided", { id })}</p>`;
  else if (approve && rule === "too_large") form = h`<p class="flash bad">${t(l, "dashboard.confirm.too_large", { max: formatRupiah(limits.max) })}</p>`;
  else
    form = h`<form method="post" action="${`${BASE}/requests/${id}/${approve ? "approve" : "reject"}`}">
    ${csrfField(ctx)}
    ${
      approve && rule === "confirm"
        ? h`<p class="warning">${t(l, "dashboard.confirm.large_warning", { limit: formatRupiah(limits.confirmAbove) })}</p>
    <p><label><input type="checkbox" name="large" value="yes" required> ${t(l, "dashboard.confirm.large_check", { amount })}</label></p>`
        : ""
    }
    <p class="actions">
      <button type="submit" id="confirm" class="${approve ? "" : "danger"}">${approve ? t(l, "dashboard.confirm.do_approve") : t(l, "dashboard.confirm.do_reject")}</button>
      <a class="button secondary" href="${BASE}/queue">${t(l, "dashboard.confirm.cancel")}</a>
    </p>
  </form>`;
  const body = h`<section class="panel confirm">
  <p>${approve ? t(l, "dashboard.confirm.approve", { id, amount, user: user?.public_id ?? "-" }) : t(l, "dashboard.confirm.reject", { id, amount, user: user?.public_id ?? "-" })}</p>
  <dl>
    <dt>#</dt><dd>${id}</dd>
    <dt>${t(l, "dashboard.tx.owner")}</dt><dd class="mono">${user?.public_id ?? "-"}</dd>
    <dt>${t(l, "dashboard.queue.amount")}</dt><dd>${amount}</dd>
    <dt>${t(l, "dashboard.queue.requested")}</dt><dd>${wib(request.created_at)} (${age(ctx, request.created_at)})</dd>
    <dt>${t(l, "dashboard.queue.balance")}</dt><dd>${rupiah(repos.ledger.balance(request.user_id))}</dd>
  </dl>
  ${form}
</section>`;
  return page(ctx, { section: "queue", title: approve ? t(l, "dashboard.confirm.approve_title") : t(l, "dashboard.confirm.reject_title"), body });
}
