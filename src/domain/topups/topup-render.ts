import type { OrderRow } from "../../db/topup-orders-repo.ts";
import type { TopupMethod } from "../../gateway/port.ts";
import type { Locale, Translate } from "../../i18n.ts";
import { choiceIds } from "../conversation/choice-ids.ts";
import type { Choice, OutboundMessage } from "../messages.ts";
import { formatRupiah } from "../money.ts";
import { formatWib } from "../wib-time.ts";

/** Banks are proper names, the same in both languages. */
const BANK: Readonly<Record<Exclude<TopupMethod, "qris">, string>> = { bca_va: "BCA", bni_va: "BNI", bri_va: "BRI", permata_va: "Permata" };

export function methodLabel(t: Translate, locale: Locale, method: TopupMethod): string {
  return t(locale, `topups.method.${method}`);
}

/** The short name of a method in admin lists. */
export function methodShort(method: TopupMethod): string {
  return method === "qris" ? "QRIS" : `VA ${BANK[method]}`;
}

/**
 * An order as the payer sees it (docs/topups.md#the-payer): a QRIS order is a QR picture whose
 * caption gives the amount, the expiry in WIB and the order reference; a VA order names the bank and
 * gives the number alone on its line (<code>, so a tap copies it). Both offer "check payment".
 * Never tagged: a picture cannot be edited into text, nor text into a picture (docs/delivery.md).
 */
export function orderMessage(t: Translate, locale: Locale, order: OrderRow, lead?: string): OutboundMessage {
  const vars = { amount: formatRupiah(order.amount), expires: formatWib(order.expires_at), order: order.order_id };
  const body =
    order.method === "qris"
      ? t(locale, "topups.qris_order", vars)
      : t(locale, "topups.va_order", { ...vars, bank: BANK[order.method], number: order.va_number ?? "-" });
  const parts = [...(lead === undefined ? [] : [lead]), body, ...(order.bill_ref === null ? [] : [t(locale, "topups.for_bill", { ref: order.bill_ref })])];
  const message: OutboundMessage = { text: parts.join("\n\n"), choices: orderChoices(t, locale, order) };
  if (order.method === "qris" && order.qr_payload !== null) message.image = { kind: "qr", payload: order.qr_payload };
  return message;
}

export function orderChoices(t: Translate, locale: Locale, order: OrderRow): Choice[][] {
  return [
    [{ id: choiceIds.topupCheck(order.order_id), label: t(locale, "topups.check_button") }],
    [{ id: choiceIds.menu(), label: t(locale, "flow.menu_button") }],
  ];
}

/** One line of an order in an admin's /user. */
export function orderLine(t: Translate, locale: Locale, order: OrderRow): string {
  return t(locale, "topups.user_order_line", {
    date: formatWib(order.created_at),
    order: order.order_id,
    amount: formatRupiah(order.amount),
    method: methodShort(order.method),
    status: t(locale, `topups.status.${order.status}`),
  });
}
