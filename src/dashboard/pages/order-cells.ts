import type { ReportOrderRow } from "../../db/topup-order-reports-repo.ts";
import type { OrderStatus } from "../../db/topup-orders-repo.ts";
import { methodShort } from "../../domain/topups/topup-render.ts";
import { cut, h, rupiah, type Html, type PageContext } from "../html.ts";
import { BASE } from "../layout.ts";

export const ORDER_STATUSES: readonly OrderStatus[] = ["pending", "paid", "expired", "cancelled", "failed", "refused", "needs_review"];

/** What the gateway's status API may report (gateway/port.ts GatewayOrderState); anything else is shown as stored, cut. */
const GATEWAY_STATES = ["pending", "paid", "expired", "cancelled", "failed", "refunded", "not_found"] as const;
type GatewayState = (typeof GATEWAY_STATES)[number];
const isGatewayState = (s: string): s is GatewayState => (GATEWAY_STATES as readonly string[]).includes(s);

/** The gateway state our own status already says (so it is not repeated under the badge). */
const SAME: Readonly<Record<OrderStatus, readonly string[]>> = {
  pending: ["pending"],
  paid: ["paid"],
  expired: ["expired", "cancelled"],
  cancelled: ["cancelled"],
  failed: ["failed", "not_found"],
  refused: [],
  needs_review: [],
};

/** An order's status as a coloured badge, in the page's language. */
export function orderBadge(ctx: Pick<PageContext, "l" | "t">, status: OrderStatus): Html {
  return h`<span class="badge ${status}">${ctx.t(ctx.l, `dashboard.order_status.${status}`)}</span>`;
}

/** The gateway's word for an order, in the page's language when it is one we know. */
function gatewayState(ctx: Pick<PageContext, "l" | "t">, state: string): Html | string {
  return isGatewayState(state) ? ctx.t(ctx.l, `dashboard.gateway_state.${state}`) : cut(state, 24);
}

/** Why an order waits for a person, in words (topup-service.ts writes these reasons). */
export function reviewReason(ctx: Pick<PageContext, "l" | "t">, reason: string | null, paidAmount: number | null): Html | string {
  const { l, t } = ctx;
  if (reason === null || reason === "") return "-";
  if (reason.startsWith("amount_mismatch:"))
    return paidAmount === null ? t(l, "dashboard.orders.reason.amount_unknown") : t(l, "dashboard.orders.reason.amount_mismatch", { paid: rupiah(paidAmount) });
  if (reason === "open_past_expiry") return t(l, "dashboard.orders.reason.open_past_expiry");
  if (reason === "no_answer_past_expiry") return t(l, "dashboard.orders.reason.no_answer_past_expiry");
  return cut(reason, 60);
}

/**
 * The status cell: the badge, then only what adds to it — why it waits for a person, what the
 * gateway said when that differs, a reversal after the credit, a refused charge's code.
 */
export function orderStatusCell(ctx: Pick<PageContext, "l" | "t">, o: ReportOrderRow): Html {
  const { l, t } = ctx;
  const notes: Html[] = [];
  if (o.status === "needs_review") notes.push(h`<span class="note">${reviewReason(ctx, o.review_reason, o.paid_amount)}</span>`);
  if (o.gateway_state !== null && !SAME[o.status].includes(o.gateway_state))
    notes.push(h`<span class="note">${t(l, "dashboard.orders.gateway_said")} ${gatewayState(ctx, o.gateway_state)}</span>`);
  if (o.reversed_state !== null) notes.push(h`<span class="note bad">${t(l, "dashboard.orders.reversed")} ${gatewayState(ctx, o.reversed_state)}</span>`);
  if (o.status === "refused" && o.failure_code !== null)
    notes.push(h`<span class="note">${t(l, "dashboard.orders.code")} <span class="mono">${cut(o.failure_code, 32)}</span></span>`);
  return h`${orderBadge(ctx, o.status)}${notes}`;
}

/** QRIS, or the bank of a VA with its number masked to the last four digits (the repository never reads it whole). */
export function methodCell(o: Pick<ReportOrderRow, "method" | "va_masked">): Html {
  return h`${methodShort(o.method)}${o.va_masked === null ? "" : h`<span class="note mono">${o.va_masked}</span>`}`;
}

/** A payer's public id, leading to their orders (nothing else about them is on the dashboard). */
export function payerLink(ctx: Pick<PageContext, "l" | "t">, payer: string | null): Html | string {
  if (payer === null) return "-";
  return h`<a class="mono" href="${`${BASE}/orders?q=${encodeURIComponent(payer)}`}" title="${ctx.t(ctx.l, "dashboard.orders.payer_orders")}">${payer}</a>`;
}
