import type { ReportTxRow } from "../../db/transaction-reports-repo.ts";
import type { TxStatus } from "../../db/transactions-repo.ts";
import { maskName } from "../../domain/mask.ts";
import { isProductId } from "../../domain/products.ts";
import { displayNumber, productLabel } from "../../domain/render.ts";
import type { Translate } from "../../i18n.ts";
import { h, raw, type Html, type PageContext } from "../html.ts";
import { BASE } from "../layout.ts";

/** A transaction's status as a coloured badge, in the page's language. */
export function statusBadge(ctx: Pick<PageContext, "l" | "t">, status: TxStatus): Html {
  return h`<span class="badge ${status}">${ctx.t(ctx.l, `dashboard.status.${status}`)}</span>`;
}

/** The product's name in the page's language (the translator's text is already safe markup). */
export function productName(t: Translate, ctx: Pick<PageContext, "l">, product: string): Html | string {
  return isProductId(product) ? raw(productLabel(t, ctx.l, product)) : product;
}

/** The customer number as every page shows it: NIKs masked to their last four digits (render.ts). */
export const shownNumber = (tx: ReportTxRow): string => displayNumber(tx.product, tx.customer_number);

/** A name as every page shows it: each word to its first two letters (mask.ts). */
export const shownName = (tx: ReportTxRow): string => (tx.name === null ? "-" : maskName(tx.name));

export const txLink = (ref: string): Html => h`<a class="mono" href="${`${BASE}/transactions/${ref}`}">${ref}</a>`;
