import type { OrderRow, OrderStatus } from "../../db/topup-orders-repo.ts";
import type { GatewayOrderState } from "../../gateway/port.ts";

/** Who learnt what became of an order: the gateway's notification, the poller, the payer's "check". */
export type CheckedBy = "notification" | "poller" | "payer";

/**
 * What the top-up service tells the rest of the bot, as facts (docs/topups.md). Each is called
 * inside the commit that made the fact true, so whatever a listener writes (a notice in the outbox)
 * exists exactly when the fact does. One module turns them into words: topup-notices.ts.
 */
export interface TopupEvents {
  /**
   * The order's amount was credited (once). `lateFrom` is the state we had closed it in when the
   * payment arrived after all (the admins are told).
   */
  credited(order: OrderRow, balance: number, by: CheckedBy, lateFrom: OrderStatus | null): void;
  /** An order the payer saw closed without a payment: expired, cancelled or failed at the gateway. */
  closed(order: OrderRow): void;
  /** The gateway reports a payment of another amount than ordered: not credited, a person decides. */
  amountMismatch(order: OrderRow, paidAmount: number | null): void;
  /**
   * A credited order — or one under review, which a person may have credited by hand — that the
   * gateway now reports given back or denied (the balance is left alone).
   */
  reversed(order: OrderRow, state: GatewayOrderState): void;
  /** The gateway refused to create the charge (a method not activated, a bad amount, …). */
  chargeRefused(order: OrderRow): void;
  /** No clear answer about an order long past its expiry: a person looks. */
  needsReview(order: OrderRow): void;
  /**
   * An order under review that the gateway now reports paid (once per order): not credited, since a
   * person may already have credited it by hand; the admins are told the amount, the payer that an
   * admin is checking.
   */
  reviewedOrderPaid(order: OrderRow, paidAmount: number | null): void;
  /** At start-up: open orders made through another gateway than the one configured now, just moved to review (this one cannot ask about them). */
  otherGatewayOrders(current: string, orders: readonly OrderRow[]): void;
}
