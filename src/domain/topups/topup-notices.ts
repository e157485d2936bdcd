import { createHash } from "node:crypto";
import type { MetaRepo } from "../../db/meta-repo.ts";
import type { OrderRow } from "../../db/topup-orders-repo.ts";
import type { UsersRepo } from "../../db/users-repo.ts";
import type { Locale, Translate } from "../../i18n.ts";
import { choiceIds } from "../conversation/choice-ids.ts";
import type { Choice } from "../messages.ts";
import { formatRupiah } from "../money.ts";
import { createHourlyAlert } from "../hourly-alert.ts";
import type { Notifier } from "../notifier.ts";
import type { TopupEvents } from "./topup-events.ts";
import { methodLabel } from "./topup-render.ts";

/**
 * Every word said about a gateway top-up, whoever learnt of it — the notification, the poller, the
 * payer's "check" (docs/topups.md). Payers hear of their money without asking: credited (with the
 * new balance), expired, failed, under review. Admins get the alerts: a late payment, another amount
 * than ordered, a reversal, a refused charge, an order under review reported paid, open orders of
 * another gateway. Each is written in the commit of its fact.
 */
export function createTopupNotices(deps: {
  notifier: Notifier;
  t: Translate;
  users: Pick<UsersRepo, "findById">;
  meta: MetaRepo;
  now: () => number;
}): TopupEvents {
  const { notifier, t } = deps;
  const menu = (locale: Locale): Choice[][] => [[{ id: choiceIds.menu(), label: t(locale, "flow.menu_button") }]];
  const who = (order: OrderRow) => deps.users.findById(order.user_id)?.public_id ?? String(order.user_id);
  const base = (order: OrderRow) => ({ order: order.order_id, amount: formatRupiah(order.amount), user: who(order) });

  const alertOncePerHour = createHourlyAlert({ meta: deps.meta, now: deps.now, notifier });

  return {
    credited(order, balance, _by, lateFrom) {
      notifier.toUser(order.user_id, (locale) => {
        const lines = [t(locale, "topups.credited", { ...base(order), balance: formatRupiah(balance) })];
        if (order.bill_ref !== null) lines.push(t(locale, "topups.credited_bill"));
        // A bill being paid next says its own words (processing, receipt); no menu in between.
        return order.bill_ref === null ? { text: lines.join("\n"), choices: menu(locale) } : { text: lines.join("\n") };
      });
      if (lateFrom !== null) {
        notifier.toAdmins((locale) => ({ text: t(locale, "topups.alert_late", { ...base(order), was: t(locale, `topups.status.${lateFrom}`) }) }));
      }
    },
    closed(order) {
      const key = order.status === "expired" ? "topups.expired" : order.status === "cancelled" ? "topups.cancelled" : "topups.failed";
      notifier.toUser(order.user_id, (locale) => ({ text: t(locale, key, base(order)), choices: menu(locale) }));
    },
    amountMismatch(order, paidAmount) {
      notifier.toUser(order.user_id, (locale) => ({ text: t(locale, "topups.amount_review", base(order)), choices: menu(locale) }));
      notifier.toAdmins((locale) => ({
        text: t(locale, "topups.alert_amount", { ...base(order), paid: paidAmount === null ? "-" : formatRupiah(paidAmount) }),
      }));
    },
    reversed(order, state) {
      // Under review, nothing was credited automatically; a person may have credited it by hand.
      const key = order.status === "needs_review" ? "topups.alert_reversed_review" : "topups.alert_reversed";
      notifier.toAdmins((locale) => ({ text: t(locale, key, { ...base(order), state }) }));
    },
    chargeRefused(order) {
      alertOncePerHour(`topup_refused_${order.method}`, (locale) =>
        t(locale, "topups.alert_refused", {
          order: order.order_id,
          method: methodLabel(t, locale, order.method),
          code: order.failure_code ?? "-",
          message: order.failure_message ?? "-",
        }),
      );
    },
    reviewedOrderPaid(order, paidAmount) {
      const paid = paidAmount === null ? "-" : formatRupiah(paidAmount);
      notifier.toUser(order.user_id, (locale) => ({ text: t(locale, "topups.review_paid", base(order)), choices: menu(locale) }));
      notifier.toAdmins((locale) => ({ text: t(locale, "topups.alert_review_paid", { ...base(order), paid, reason: order.review_reason ?? "-" }) }));
    },
    otherGatewayOrders(current, orders) {
      // Each payer once (the orders were just moved to review): an admin looks at it on the old gateway.
      for (const order of orders) notifier.toUser(order.user_id, (locale) => ({ text: t(locale, "topups.review", base(order)), choices: menu(locale) }));
      // The admins once for the same orders.
      const key = "alerted:topup_other_gateway";
      const ids = orders.map((o) => o.order_id);
      const digest = createHash("sha256")
        .update(JSON.stringify([current, ids]))
        .digest("hex");
      if (orders.length === 0 || deps.meta.get(key) === digest) return;
      deps.meta.set(key, digest);
      const gateways = [...new Set(orders.map((o) => o.gateway))].join(", ");
      const shown = ids.slice(0, 10).join(", ") + (ids.length > 10 ? ", …" : "");
      notifier.toAdmins((locale) => ({ text: t(locale, "topups.alert_other_gateway", { n: orders.length, gateways, current, orders: shown }) }));
    },
    needsReview(order) {
      notifier.toUser(order.user_id, (locale) => ({ text: t(locale, "topups.review", base(order)), choices: menu(locale) }));
      notifier.toAdmins((locale) => ({ text: t(locale, "topups.alert_review", { ...base(order), reason: order.review_reason ?? "-" }) }));
    },
  };
}
