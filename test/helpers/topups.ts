import { NOTIFICATION_PATH } from "../../src/gateway/notification-endpoint.ts";
import type { OrderRow } from "../../src/db/topup-orders-repo.ts";
import { createFakeGateway, type FakeGateway } from "../fakes/fake-gateway.ts";
import type { Harness, PayerDriver } from "./app-harness.ts";
import type { setupApp } from "./app-harness.ts";

type StartBot = (env?: Record<string, string>, opts?: Parameters<typeof setupApp>[1]) => Promise<Harness>;

/** An app with gateway top-ups on, over a fake gateway; its HTTP server listening on loopback. */
export async function botWithGateway(
  bot: StartBot,
  env: Record<string, string> = {},
  opts: Parameters<typeof setupApp>[1] = {},
): Promise<{ h: Harness; gw: FakeGateway; url: string }> {
  const gw = (opts.gateway as FakeGateway | undefined) ?? createFakeGateway();
  const h = await bot(env, { ...opts, gateway: gw });
  const { port } = await h.app.http.listen();
  return { h, gw, url: `http://127.0.0.1:${port}${NOTIFICATION_PATH}` };
}

/** The payer pays the order at the gateway (its whole amount, or `amount`), the gateway notifies, and the app settles. */
export async function paidAtGateway(h: Harness, gw: FakeGateway, url: string, orderId: string, amount?: number): Promise<void> {
  gw.pay(orderId, amount);
  await notify(url, gw.notification(orderId));
  await h.settle();
}

/** Posts a notification body (an object, or raw text) to the endpoint; the status and the JSON answer. */
export async function notify(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed };
}

export function userIdOf(h: Harness, p: PayerDriver): number {
  return h.app.repos.users.findByIdentity(p.platform, p.id)!.id;
}

export function balanceOf(h: Harness, p: PayerDriver): number {
  return h.app.repos.ledger.balance(userIdOf(h, p));
}

/** The payer's newest order. */
export function lastOrder(h: Harness, p: PayerDriver): OrderRow {
  const order = h.app.repos.topupOrders.recentForUser(userIdOf(h, p), 1)[0];
  if (!order) throw new Error("no order yet");
  return order;
}

/** How many credits (ledger rows) an order has: the once-only invariant. */
export function creditsOf(h: Harness, orderId: string): number {
  return (h.app.db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE order_id = ?").get(orderId) as { n: number }).n;
}
