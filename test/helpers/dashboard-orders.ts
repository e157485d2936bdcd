import type { OrderRow } from "../../src/db/topup-orders-repo.ts";
import type { TopupMethod } from "../../src/gateway/port.ts";
import type { FakeGateway } from "../fakes/fake-gateway.ts";
import type { Harness, PayerDriver } from "./app-harness.ts";
import { lastOrder, notify } from "./topups.ts";

/** The environment the orders' tests run in: QRIS and BCA VA offered. */
export const ORDERS_ENV = { TOPUP_METHODS: "qris,bca_va" };

async function order(p: PayerDriver, h: Harness, amount: number, method: TopupMethod): Promise<OrderRow> {
  await p.say(`/isi ${amount}`);
  await p.tap(`topupvia:${method}:${amount}`);
  return lastOrder(h, p);
}

export interface GatewayDay {
  expired: OrderRow;
  paid: OrderRow;
  open: OrderRow;
  review: OrderRow;
  bill: { order: OrderRow; ref: string };
}

/**
 * A morning of gateway top-ups, each through the real top-up service and the fake gateway (ORDERS_ENV):
 * a QRIS order left to expire, one paid, a BCA VA left open, one paid with another amount (to
 * review), and the shortfall of a 12-month bill (more than the simulator's starting balance) paid
 * by QRIS, the bill then paid from the balance.
 */
export async function gatewayDay(h: Harness, gw: FakeGateway, url: string): Promise<GatewayDay> {
  const expiredPayer = h.payer("7300");
  const expiredOrder = await order(expiredPayer, h, 40_000, "qris");
  h.clock.advance(16 * 60_000);
  await h.app.topups!.poller.runDue();
  await h.settle();

  const paidPayer = h.payer("7301");
  const paidOrder = await order(paidPayer, h, 100_000, "qris");
  gw.pay(paidOrder.order_id);
  await notify(url, gw.notification(paidOrder.order_id));
  await h.settle();

  const openPayer = h.payer("7302");
  const openOrder = await order(openPayer, h, 150_000, "bca_va");

  const reviewPayer = h.payer("7303");
  const reviewOrder = await order(reviewPayer, h, 120_000, "qris");
  gw.pay(reviewOrder.order_id, 90_000);
  await notify(url, gw.notification(reviewOrder.order_id));
  await h.settle();

  const billPayer = h.payer("7304");
  await billPayer.say("/start");
  await billPayer.tap("product:bpjs-kesehatan");
  await billPayer.say("8801234567777");
  await billPayer.tap("months:12");
  const offer = billPayer
    .last()
    .choices!.flat()
    .find((c) => c.id.startsWith("topupbill:"));
  if (!offer) throw new Error(`no shortfall offered: ${billPayer.lastText()}`);
  const ref = offer.id.split(":")[1]!;
  await billPayer.tap(offer.id);
  const billOrder = lastOrder(h, billPayer);
  gw.pay(billOrder.order_id);
  await notify(url, gw.notification(billOrder.order_id));
  await h.settle();

  const get = (o: OrderRow) => h.app.repos.topupOrders.get(o.order_id)!;
  return { expired: get(expiredOrder), paid: get(paidOrder), open: get(openOrder), review: get(reviewOrder), bill: { order: get(billOrder), ref } };
}

/**
 * `count` closed orders written through the real repository, one payer each (at most one open order
 * per payer and method), `stepMs` apart and ending at `now`; a third of them BCA VA, every fifth
 * paid, the rest expired.
 */
export function manyOrders(h: Harness, count: number, stepMs = 60_000): OrderRow[] {
  const repos = h.app.repos;
  const now = h.clock.now();
  const out: OrderRow[] = [];
  for (let i = 0; i < count; i++) {
    const at = now - (count - i) * stepMs;
    const user = repos.users.create({ platform: "telegram", externalId: `61${String(i).padStart(4, "0")}`, address: "x", locale: "id", now: at });
    const orderId = `LT${String(i).padStart(12, "0")}`;
    const method: TopupMethod = i % 3 === 0 ? "bca_va" : "qris";
    repos.topupOrders.insert({
      orderId,
      userId: user.id,
      gateway: "simulator",
      amount: 10_000 + i * 1000,
      method,
      billRef: null,
      expiresAt: at + 900_000,
      nextCheckAt: at,
      now: at,
    });
    if (i % 5 === 0) repos.topupOrders.markPaid({ orderId, paidAmount: 10_000 + i * 1000, paidAt: null, now: at + 30_000 });
    else repos.topupOrders.close(orderId, "pending", "expired", at + 900_000);
    out.push(repos.topupOrders.get(orderId)!);
  }
  return out;
}
