import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { ChargeOutcome, ChargeRequest, GatewayOrderState, PaymentGateway, StatusOutcome, TopupMethod } from "../../src/gateway/port.ts";

/**
 * An in-memory payment gateway implementing the port (docs/topups.md#tests), speaking Midtrans'
 * notification shape and signature (SHA-512 of order_id + status_code + gross_amount + server key)
 * so notifications can be posted to the bot's endpoint over loopback. The test plays the payer and
 * the gateway: pay, expire, refund, answer nothing, hold a call to make a race.
 */
export interface FakeGatewayOrder {
  orderId: string;
  amount: number;
  method: TopupMethod;
  state: GatewayOrderState;
  gatewayId: string;
  qrPayload?: string;
  va?: { bank: string; number: string };
  /** What the payer actually paid (another amount than ordered, to test the mismatch). */
  paidAmount?: number;
}

export interface FakeGateway extends PaymentGateway {
  readonly serverKey: string;
  readonly orders: Map<string, FakeGatewayOrder>;
  readonly calls: { method: "charge" | "status" | "cancel"; orderId: string }[];
  callsOf(method: "charge" | "status" | "cancel", orderId?: string): number;
  /** Called with each charge request before it is answered (the test looks at the database, or races it, then). */
  onCharge: ((req: ChargeRequest) => void | Promise<void>) | null;
  /**
   * The next charge answers this (refused, unknown, created without a payload, …); `landed`: the
   * gateway created the order all the same (an answer lost on the way back).
   */
  nextCharge(answer: ChargeOutcome, options?: { landed?: boolean }): void;
  /** The next `times` status calls answer unknown (a timeout). */
  statusUnknown(times?: number): void;
  /** The next cancel answers this. */
  nextCancel(answer: "cancelled" | "not_pending" | "unknown"): void;
  /** Holds status calls until released (a race, a crash in between); `once`: only the next one. */
  holdStatus(options?: { once?: boolean }): { arrived: Promise<void>; release(): void };
  /** The payer pays: settlement, for the order's amount unless another is given. */
  pay(orderId: string, amount?: number): void;
  setState(orderId: string, state: GatewayOrderState): void;
  /** A notification as the gateway would post it for the order's current state, signed. */
  notification(orderId: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  /** The same, signed with another key. */
  forged(orderId: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  closed: boolean;
}

const MIDTRANS_STATUS: Readonly<Record<GatewayOrderState, [string, string]>> = {
  pending: ["pending", "201"],
  paid: ["settlement", "200"],
  expired: ["expire", "202"],
  cancelled: ["cancel", "200"],
  failed: ["deny", "202"],
  refunded: ["refund", "200"],
  not_found: ["pending", "404"],
};

const BANKS: Readonly<Record<Exclude<TopupMethod, "qris">, string>> = { bca_va: "bca", bni_va: "bni", bri_va: "bri", permata_va: "permata" };

const signed = z.object({ order_id: z.string(), status_code: z.string(), gross_amount: z.string(), signature_key: z.string() });

export function signature(orderId: string, statusCode: string, grossAmount: string, key: string): string {
  return createHash("sha512").update(`${orderId}${statusCode}${grossAmount}${key}`).digest("hex");
}

let seq = 0;

export function createFakeGateway(options: { serverKey?: string } = {}): FakeGateway {
  const serverKey = options.serverKey ?? "SB-Mid-server-fake";
  const orders = new Map<string, FakeGatewayOrder>();
  const calls: FakeGateway["calls"] = [];
  const chargeAnswers: { answer: ChargeOutcome; landed: boolean }[] = [];
  const cancelAnswers: ("cancelled" | "not_pending" | "unknown")[] = [];
  let unknownStatuses = 0;
  let hold: { arrived: () => void; waiting: (() => void)[]; once: boolean } | null = null;

  function body(orderId: string, key: string, overrides: Record<string, unknown>): Record<string, unknown> {
    const o = orders.get(orderId);
    const [transactionStatus, statusCode] = MIDTRANS_STATUS[o?.state ?? "pending"];
    const gross = `${o?.paidAmount ?? o?.amount ?? 10_000}.00`;
    const base: Record<string, unknown> = {
      transaction_time: "2026-11-22 10:00:00",
      transaction_status: transactionStatus,
      transaction_id: o?.gatewayId ?? "00000000-0000-0000-0000-000000000000",
      status_message: "midtrans payment notification",
      status_code: statusCode,
      payment_type: o?.method === "qris" || o === undefined ? "qris" : "bank_transfer",
      order_id: orderId,
      merchant_id: "G000000000",
      gross_amount: gross,
      fraud_status: "accept",
      currency: "IDR",
      ...overrides,
    };
    base.signature_key = signature(String(base.order_id), String(base.status_code), String(base.gross_amount), key);
    return base;
  }

  const gateway: FakeGateway = {
    name: "simulator",
    serverKey,
    orders,
    calls,
    closed: false,
    onCharge: null,
    callsOf: (method, orderId) => calls.filter((c) => c.method === method && (orderId === undefined || c.orderId === orderId)).length,
    async charge(req) {
      calls.push({ method: "charge", orderId: req.orderId });
      await gateway.onCharge?.(req);
      const scripted = chargeAnswers.shift();
      if (scripted !== undefined) {
        const outcome = scripted.answer;
        if (outcome.status === "created" || scripted.landed) {
          const gatewayId = outcome.status === "created" ? outcome.gatewayId : `gw-${++seq}`;
          orders.set(req.orderId, { orderId: req.orderId, amount: req.amount, method: req.method, state: "pending", gatewayId });
        }
        return outcome;
      }
      const gatewayId = `gw-${++seq}`;
      const order: FakeGatewayOrder = { orderId: req.orderId, amount: req.amount, method: req.method, state: "pending", gatewayId };
      if (req.method === "qris") order.qrPayload = `00020101021226620014COM.GO-JEK.WWW0118${req.orderId}5204341453033605406${req.amount}.005802ID6304ABCD`;
      else order.va = { bank: BANKS[req.method], number: `8${String(100_000_000 + seq)}` };
      orders.set(req.orderId, order);
      return {
        status: "created",
        gatewayId,
        ...(order.qrPayload === undefined ? {} : { qrPayload: order.qrPayload }),
        ...(order.va === undefined ? {} : { va: order.va }),
      };
    },
    async status(orderId): Promise<StatusOutcome> {
      calls.push({ method: "status", orderId });
      if (hold !== null) {
        const h = hold;
        if (h.once) hold = null;
        h.arrived();
        await new Promise<void>((resolve) => h.waiting.push(resolve));
      }
      if (unknownStatuses > 0) {
        unknownStatuses--;
        return { status: "unknown", message: "timeout" };
      }
      const o = orders.get(orderId);
      if (o === undefined) return { status: "known", state: "not_found", orderId };
      return {
        status: "known",
        state: o.state,
        orderId,
        grossAmount: o.paidAmount ?? o.amount,
        gatewayId: o.gatewayId,
        ...(o.state === "paid" ? { paidAt: "2026-11-22 10:05:00" } : {}),
      };
    },
    verifyNotification(raw) {
      const parsed = signed.safeParse(raw);
      if (!parsed.success) return { valid: false };
      const b = parsed.data;
      const expected = Buffer.from(signature(b.order_id, b.status_code, b.gross_amount, serverKey));
      const given = Buffer.from(b.signature_key);
      return expected.length === given.length && timingSafeEqual(expected, given) ? { valid: true, orderId: b.order_id } : { valid: false };
    },
    async cancel(orderId) {
      calls.push({ method: "cancel", orderId });
      const answer = cancelAnswers.shift();
      if (answer !== undefined) return answer;
      const o = orders.get(orderId);
      if (o === undefined || o.state !== "pending") return "not_pending";
      o.state = "cancelled";
      return "cancelled";
    },
    async close() {
      gateway.closed = true;
    },
    nextCharge: (answer, opts = {}) => void chargeAnswers.push({ answer, landed: opts.landed === true }),
    statusUnknown: (times = 1) => void (unknownStatuses += times),
    nextCancel: (answer) => void cancelAnswers.push(answer),
    holdStatus(opts = {}) {
      let arrived!: () => void;
      const promise = new Promise<void>((resolve) => (arrived = resolve));
      const h = { arrived, waiting: [] as (() => void)[], once: opts.once === true };
      hold = h;
      return {
        arrived: promise,
        release() {
          if (hold === h) hold = null;
          for (const w of h.waiting.splice(0)) w();
        },
      };
    },
    pay(orderId, amount) {
      const o = orders.get(orderId);
      if (!o) throw new Error(`fake gateway: no order ${orderId}`);
      o.state = "paid";
      if (amount !== undefined) o.paidAmount = amount;
    },
    setState(orderId, state) {
      const o = orders.get(orderId);
      if (!o) throw new Error(`fake gateway: no order ${orderId}`);
      o.state = state;
    },
    notification: (orderId, overrides = {}) => body(orderId, serverKey, overrides),
    forged: (orderId, overrides = {}) => body(orderId, "not-the-key", overrides),
  };
  return gateway;
}
