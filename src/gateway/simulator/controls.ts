import { z } from "zod";
import { json, type Answer } from "../../providers/simulator/http-io.ts";
import { readJson } from "../../shared/json.ts";
import type { TopupMethod } from "../port.ts";
import type { Book, ChangeResult } from "./book.ts";
import { GATEWAY_SCENARIOS, type GatewayScenario } from "./scenarios.ts";
import type { SimSettings } from "./settings.ts";
import type { GatewaySimStore, SimNotificationRow, SimOrderRow, SimTxStatus } from "./store.ts";

/**
 * Test, demo and console controls (docs/gateway.md#simulator-controls): pay an order now, list
 * orders and notifications, set the pay delay and the next charge's scenario. The same
 * operations back the in-process GatewaySimulator object, the /__sim/* endpoints and the CLI.
 */

export interface SimOrderView {
  orderId: string;
  transactionId: string;
  method: TopupMethod;
  amount: number;
  status: SimTxStatus;
  scenario: GatewayScenario;
  createdAt: number;
  expiresAt: number;
  /** When the simulated payer will pay (or paid as planned); null when never. */
  payAt: number | null;
  settledAt: number | null;
  qrString: string | null;
  vaNumber: string | null;
  notifyUrls: string[];
}

export interface SimNotificationView {
  id: number;
  transactionId: string;
  /** The transaction_status notified, or "forged". */
  kind: string;
  url: string;
  /** The exact JSON text sent. */
  body: string;
  attempts: number;
  deliveredAt: number | null;
  /** When the next attempt is due; null when delivered or given up. */
  dueAt: number | null;
  lastResult: string | null;
}

export type PayOutcome = { outcome: "paid"; order: SimOrderView } | { outcome: "not_found" } | { outcome: "not_pending"; order: SimOrderView };

export function orderView(row: SimOrderRow): SimOrderView {
  return {
    orderId: row.orderId,
    transactionId: row.transactionId,
    method: row.method,
    amount: row.grossAmount,
    status: row.status,
    scenario: row.scenario,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    payAt: row.payAt,
    settledAt: row.settledAt,
    qrString: row.qrString,
    vaNumber: row.vaNumber,
    notifyUrls: row.notifyUrls,
  };
}

function notificationView(row: SimNotificationRow): SimNotificationView {
  const { id, transactionId, kind, url, body, attempts, deliveredAt, dueAt, lastResult } = row;
  return { id, transactionId, kind, url, body, attempts, deliveredAt, dueAt, lastResult };
}

export function payOutcome(result: ChangeResult): PayOutcome {
  switch (result.kind) {
    case "changed":
      return { outcome: "paid", order: orderView(result.row) };
    case "not_pending":
      return { outcome: "not_pending", order: orderView(result.row) };
    case "not_found":
      return { outcome: "not_found" };
  }
}

export interface Controls {
  pay(id: string, opts?: { late?: boolean }): PayOutcome;
  orders(): SimOrderView[];
  notifications(): SimNotificationView[];
  payAfterMs(): number;
  setPayAfterMs(ms: number): void;
  nextScenario(): GatewayScenario | null;
  setNextScenario(scenario: GatewayScenario | null): void;
}

export function createControls(store: GatewaySimStore, book: Book, settings: SimSettings): Controls {
  return {
    pay: (id, opts) => payOutcome(book.payNow(id, opts)),
    orders() {
      book.advanceAllDue();
      return store.orders().map(orderView);
    },
    notifications: () => store.notifications().map(notificationView),
    payAfterMs: () => settings.payAfterMs(),
    setPayAfterMs: (ms) => store.transaction(() => settings.setPayAfterMs(ms)),
    nextScenario: () => settings.nextScenario(),
    setNextScenario: (scenario) => store.transaction(() => settings.setNextScenario(scenario)),
  };
}

const PAY = z.object({ order_id: z.string().min(1).max(100), late: z.boolean().optional() });
const PAY_AFTER = z.object({
  ms: z
    .number()
    .int()
    .nonnegative()
    .max(24 * 60 * 60 * 1000),
});
const SCENARIO = z.object({ scenario: z.enum(GATEWAY_SCENARIOS).nullable() });

/**
 * /__sim/orders (GET), /__sim/notifications (GET), /__sim/pay (POST {order_id, late?}),
 * /__sim/pay-after (GET, POST {ms}), /__sim/scenario (GET, POST {scenario}), /__sim/tick (POST).
 * `deliverDue` runs after a pay, so its notification has been tried when the answer comes.
 */
export async function handleControl(controls: Controls, deliverDue: () => Promise<void>, method: string, path: string, rawBody: string): Promise<Answer> {
  const body = () => readJson(rawBody);
  if (path === "/__sim/orders" && method === "GET") return json(200, controls.orders());
  if (path === "/__sim/notifications" && method === "GET") return json(200, controls.notifications());
  if (path === "/__sim/tick" && method === "POST") {
    controls.orders();
    await deliverDue();
    return json(200, { ok: true });
  }
  if (path === "/__sim/pay" && method === "POST") {
    const parsed = PAY.safeParse(body());
    if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
    const result = controls.pay(parsed.data.order_id, { late: parsed.data.late ?? false });
    if (result.outcome === "paid") await deliverDue();
    const status = result.outcome === "paid" ? 200 : result.outcome === "not_found" ? 404 : 409;
    return json(status, result);
  }
  if (path === "/__sim/pay-after") {
    if (method === "GET") return json(200, { ms: controls.payAfterMs() });
    if (method === "POST") {
      const parsed = PAY_AFTER.safeParse(body());
      if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
      controls.setPayAfterMs(parsed.data.ms);
      return json(200, { ms: controls.payAfterMs() });
    }
  }
  if (path === "/__sim/scenario") {
    if (method === "GET") return json(200, { scenario: controls.nextScenario() });
    if (method === "POST") {
      const parsed = SCENARIO.safeParse(body());
      if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
      controls.setNextScenario(parsed.data.scenario);
      return json(200, { scenario: controls.nextScenario() });
    }
  }
  return json(404, { error: `no control ${method} ${path}` });
}
