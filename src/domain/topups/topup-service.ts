import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { GroupCommitter } from "../../db/group-commit.ts";
import type { Repos } from "../../db/repos.ts";
import type { OrderRow, OrderStatus } from "../../db/topup-orders-repo.ts";
import type { ChargeOutcome, GatewayOrderState, PaymentGateway, StatusOutcome, TopupMethod } from "../../gateway/port.ts";
import { mintOrderId } from "./order-id.ts";
import type { CheckedBy, TopupEvents } from "./topup-events.ts";
import { CHARGE_GRACE_MS, FIRST_CHECK_MS, REVIEW_AFTER_EXPIRY_MS, nextCheckAt, retryAt } from "./topup-check-schedule.ts";

/** What a check came to: the order as it is now, and whether this check changed it (then its events spoke). */
export interface CheckResult {
  order: OrderRow | undefined;
  changed: boolean;
}

/** A "not found" for an order just created may be the gateway not listing it yet. */
const NOT_FOUND_GRACE_MS = 60_000;
/** A notification is confirmed at once after it is answered; should this process die, the poller does it by then. */
const NOTIFIED_CHECK_DELAY_MS = 10_000;
/** The payer's "check" asks the gateway at most this often per order (a tap repeated in a hurry). */
export const PAYER_CHECK_INTERVAL_MS = 5_000;

const text = (value: string | undefined | null, max: number): string | null => {
  const cleaned = (value ?? "").replace(/[\p{Cc}\p{Cf}]+/gu, " ").trim();
  return cleaned === "" ? null : cleaned.slice(0, max);
};

/**
 * The gateway's answer to a charge, as something a payer can be shown: a QRIS payload for a QRIS
 * order, a bank and a number for a VA. Anything else (a payload too long to draw, a VA number with
 * letters, the wrong kind for the method) is not shown: the charge is then treated as unknown and
 * cancelled like one (docs/topups.md#charging).
 */
function paymentDetails(method: TopupMethod, outcome: Extract<ChargeOutcome, { status: "created" }>) {
  if (method === "qris") {
    const qr = outcome.qrPayload;
    if (qr === undefined || qr.length === 0 || qr.length > 1024 || !/^[\x20-\x7e]+$/.test(qr)) return null;
    return { qrPayload: qr, vaBank: null, vaNumber: null };
  }
  const va = outcome.va;
  if (va === undefined || !/^\d{4,32}$/.test(va.number) || !/^[A-Za-z0-9 _-]{1,32}$/.test(va.bank)) return null;
  return { qrPayload: null, vaBank: va.bank, vaNumber: va.number };
}

/**
 * Gateway top-ups (docs/topups.md): an order is written before the gateway hears of it, charged
 * once, and credited at most once — the notification, the poller and the payer's "check" all end in
 * `check`, which asks the gateway's status API and decides in one commit; the credit is a
 * compare-and-set on the order with a ledger row unique per order. It speaks facts (TopupEvents);
 * the words are topup-notices.ts's. Methods that return plain values run inside the caller's commit.
 */
export function createTopupService(deps: {
  repos: Pick<Repos, "topupOrders" | "gatewayNotifications" | "ledger">;
  commits: GroupCommitter;
  gateway: PaymentGateway;
  events: TopupEvents;
  now: () => number;
  log: Logger;
  /** How long an order stays payable (TOPUP_EXPIRY_MINUTES). */
  expiryMs: number;
  /** Something became due sooner than the poller's next look (a new order, a notification). */
  onScheduled?: () => void;
}) {
  const { repos, commits, gateway, events, log } = deps;
  const orders = repos.topupOrders;
  /** One status conversation per order at a time: a second asker waits for the first's answer. */
  const inFlight = new Map<string, Promise<CheckResult>>();
  /** Background confirmations (after a notification was answered), so shutdown and tests can wait. */
  const background = new Set<Promise<unknown>>();

  const scheduled = () => {
    if (deps.onScheduled && !commits.afterCommit(deps.onScheduled)) deps.onScheduled();
  };

  /** Inside a commit: a new pending order, written before the gateway is called. */
  function createOrder(p: { userId: number; amount: number; method: TopupMethod; billRef?: string | null }): OrderRow {
    const now = deps.now();
    const order = orders.insert({
      orderId: mintOrderId(),
      userId: p.userId,
      gateway: gateway.name,
      amount: p.amount,
      method: p.method,
      billRef: p.billRef ?? null,
      expiresAt: now + deps.expiryMs,
      nextCheckAt: now + FIRST_CHECK_MS,
      now,
    });
    scheduled();
    return order;
  }

  /**
   * The one charge request of an order: started in a durable commit (which also makes the order's
   * own row durable) before it leaves, its answer recorded once. Never retried: an unclear answer
   * leaves the order to the poller, which asks whether it exists and cancels it (the payer never saw it).
   */
  async function charge(orderId: string): Promise<OrderRow | undefined> {
    const started = await commits.run(() => orders.startCharge(orderId, deps.now()), { durable: true });
    const order = orders.get(orderId);
    if (!started || order === undefined) return order;
    let outcome: ChargeOutcome;
    try {
      outcome = await gateway.charge({ orderId, amount: order.amount, method: order.method, expiresAt: order.expires_at });
    } catch (err) {
      // A client folds faults into outcomes; one that slips through tells nothing: unknown.
      log.error({ err, orderId }, "gateway charge threw; treating it as unknown");
      outcome = { status: "unknown", message: "charge threw" };
    }
    log.info({ orderId, method: order.method, amount: order.amount, outcome: outcome.status }, "gateway charge");
    return commits.run(() => recordCharge(order, outcome));
  }

  function recordCharge(order: OrderRow, outcome: ChargeOutcome): OrderRow {
    const now = deps.now();
    const orderId = order.order_id;
    if (outcome.status === "created") {
      const details = paymentDetails(order.method, outcome);
      if (details === null) {
        log.error({ orderId, method: order.method }, "gateway created a charge we cannot show; it will be cancelled");
        orders.answerCharge({ orderId, outcome: "unknown", gatewayId: text(outcome.gatewayId, 128), message: "unusable payment details", now });
      } else {
        orders.answerCharge({ orderId, outcome: "created", gatewayId: text(outcome.gatewayId, 128), ...details, now });
      }
    } else if (outcome.status === "refused") {
      orders.answerCharge({ orderId, outcome: "refused", code: text(outcome.code, 32), message: text(outcome.message, 200), now });
      if (orders.close(orderId, "pending", "refused", now)) events.chargeRefused(orders.get(orderId)!);
    } else {
      orders.answerCharge({ orderId, outcome: "unknown", message: text(outcome.message, 200), now });
    }
    return orders.get(orderId)!;
  }

  /** An order whose charge never started (a crash before its effect ran): closed, as it was never charged. */
  function closeUncharged(orderId: string): OrderRow | undefined {
    const now = deps.now();
    const order = orders.get(orderId);
    if (order?.status === "pending" && order.charge_started_at === null) orders.close(orderId, "pending", "cancelled", now);
    return orders.get(orderId);
  }

  async function askStatus(orderId: string): Promise<StatusOutcome> {
    try {
      return await gateway.status(orderId);
    } catch (err) {
      log.warn({ err, orderId }, "gateway status threw; will ask again");
      return { status: "unknown", message: "status threw" };
    }
  }

  async function askCancel(orderId: string): Promise<"cancelled" | "not_pending" | "unknown"> {
    try {
      return await gateway.cancel(orderId);
    } catch (err) {
      log.warn({ err, orderId }, "gateway cancel threw");
      return "unknown";
    }
  }

  /**
   * Asks the gateway what became of an order and acts on it, once. Every way of learning of a payment
   * — the notification, the poller, the payer's "check" — ends here. `minIntervalMs` spares the
   * gateway a payer tapping "check" again and again.
   */
  function check(orderId: string, by: CheckedBy, options: { minIntervalMs?: number } = {}): Promise<CheckResult> {
    const running = inFlight.get(orderId);
    if (running) return running;
    const p = doCheck(orderId, by, options).finally(() => inFlight.delete(orderId));
    inFlight.set(orderId, p);
    return p;
  }

  async function doCheck(orderId: string, by: CheckedBy, options: { minIntervalMs?: number }): Promise<CheckResult> {
    const order = orders.get(orderId);
    if (order === undefined) return { order, changed: false };
    const startedAt = deps.now();
    // Notifications stored before this point are confirmed by the answer this check gets.
    const seenNotification = repos.gatewayNotifications.lastIdFor(orderId);
    if (options.minIntervalMs !== undefined && order.last_checked_at !== null && startedAt - order.last_checked_at < options.minIntervalMs) {
      return { order, changed: false };
    }
    if (order.status === "pending" && order.charge_started_at === null) {
      // The charge never started. Its effect runs right after the order's commit; long after, it never will.
      return commits.run(() => {
        if (deps.now() - order.created_at < CHARGE_GRACE_MS) {
          orders.recordCheck({ orderId, state: null, nextCheckAt: deps.now() + FIRST_CHECK_MS, attempts: order.check_attempts, now: deps.now() });
          return { order: orders.get(orderId), changed: false };
        }
        const closed = closeUncharged(orderId);
        return { order: closed, changed: closed?.status !== order.status };
      });
    }
    if (order.status === "pending" && order.charge_answered_at === null && startedAt - (order.charge_started_at ?? 0) < CHARGE_GRACE_MS) {
      // The charge may still be on its way: its own answer comes first (it shows the payer the QR).
      // Looked at again soon, not at the grace's end: a lost notification must not wait that long.
      return commits.run(() => {
        orders.recordCheck({ orderId, state: null, nextCheckAt: deps.now() + FIRST_CHECK_MS, attempts: order.check_attempts, now: deps.now() });
        return { order: orders.get(orderId), changed: false };
      });
    }
    let outcome = await askStatus(orderId);
    let cancelledByUs = false;
    const mustClose = order.status === "pending" && (startedAt >= order.expires_at || order.charge_outcome !== "created");
    if (mustClose && outcome.status === "known" && outcome.state === "pending") {
      // Past its expiry (the gateway's own is lax), or a charge the payer never saw: stop it at the
      // gateway, then look again — a payment that raced the cancel is still credited.
      cancelledByUs = (await askCancel(orderId)) === "cancelled";
      outcome = await askStatus(orderId);
      if (outcome.status === "unknown" && cancelledByUs) outcome = { status: "known", state: "cancelled", orderId };
    }
    const answer = outcome;
    return commits.run(() => decide(orderId, answer, by, seenNotification, cancelledByUs));
  }

  /** Inside a commit: acts on the status API's answer about an order. */
  function decide(orderId: string, outcome: StatusOutcome, by: CheckedBy, seenNotification: number, cancelledByUs: boolean): CheckResult {
    const now = deps.now();
    const order = orders.get(orderId)!;
    if (outcome.status === "unknown" || outcome.orderId !== orderId) {
      if (outcome.status === "known") log.error({ orderId, answered: outcome.orderId }, "gateway answered about another order; ignored");
      return unanswered(order, now);
    }
    // The status API has now spoken after every notification stored before this check began.
    repos.gatewayNotifications.confirm(orderId, seenNotification, now);
    if (repos.gatewayNotifications.unconfirmedFor(orderId) === 0) orders.clearNotified(orderId);
    const state = outcome.state;
    let changed = false;
    switch (state) {
      case "paid":
        changed = credit(order, outcome, by, now);
        break;
      case "pending":
        if (order.status === "pending" && cancelledByUs) changed = closeOrder(order, now >= order.expires_at ? "expired" : "cancelled", now);
        break;
      case "expired":
      case "cancelled":
      case "failed":
      case "not_found":
        if (order.status === "pending") {
          if (state === "not_found" && order.charge_outcome === "created" && now - order.created_at < NOT_FOUND_GRACE_MS) break;
          const to: OrderStatus = state === "failed" || state === "not_found" ? "failed" : now >= order.expires_at ? "expired" : "cancelled";
          changed = closeOrder(order, to, now);
        } else if (order.status === "paid" && (state === "failed" || state === "cancelled")) {
          changed = reverse(order, state, now);
        }
        break;
      case "refunded":
        if (order.status === "paid") changed = reverse(order, state, now);
        else if (order.status === "pending") changed = closeOrder(order, "failed", now);
        break;
    }
    const fresh = orders.get(orderId)!;
    let next: number | null = null;
    if (fresh.status === "pending") next = nextCheckAt(fresh, now);
    // A notification that arrived while this check ran is confirmed by the next one.
    if (fresh.notified_at !== null) next = now;
    orders.recordCheck({ orderId, state, nextCheckAt: next, attempts: 0, now });
    if (fresh.status === "pending" && now >= fresh.expires_at + REVIEW_AFTER_EXPIRY_MS) changed = review(fresh, "open_past_expiry", now) || changed;
    return { order: orders.get(orderId), changed };
  }

  /** No clear answer (a timeout, a 5xx): ask again later, backing off; long past expiry, a person looks. */
  function unanswered(order: OrderRow, now: number): CheckResult {
    const attempts = order.check_attempts + 1;
    const open = order.status === "pending" || order.notified_at !== null;
    orders.recordCheck({ orderId: order.order_id, state: null, nextCheckAt: open ? retryAt(attempts, now) : null, attempts, now });
    const changed = order.status === "pending" && now >= order.expires_at + REVIEW_AFTER_EXPIRY_MS && review(order, "no_answer_past_expiry", now);
    return { order: orders.get(order.order_id), changed };
  }

  /**
   * The credit: a compare-and-set of the order to paid and one ledger row naming it (a unique index),
   * in one commit. Only for the amount we ordered: another amount is a person's decision.
   */
  function credit(order: OrderRow, outcome: Extract<StatusOutcome, { status: "known" }>, by: CheckedBy, now: number): boolean {
    if (order.status === "paid" || order.status === "needs_review") return false;
    const paid = outcome.grossAmount;
    if (paid !== order.amount) {
      const reported = paid !== undefined && Number.isSafeInteger(paid) ? paid : null;
      if (!orders.markNeedsReview({ orderId: order.order_id, reason: `amount_mismatch:${reported ?? "missing"}`, paidAmount: reported, now })) return false;
      log.warn({ orderId: order.order_id, ordered: order.amount, paid: reported }, "gateway reports another amount; not credited");
      events.amountMismatch(orders.get(order.order_id)!, reported);
      return true;
    }
    if (!orders.markPaid({ orderId: order.order_id, paidAmount: paid, paidAt: text(outcome.paidAt, 40), now })) return false;
    repos.ledger.post({
      userId: order.user_id,
      amount: order.amount,
      kind: "topup",
      orderId: order.order_id,
      actor: `gateway:${order.gateway}`,
      note: `top-up ${order.order_id} (${order.method})`,
      now,
    });
    log.info({ orderId: order.order_id, amount: order.amount, by, late: order.status !== "pending" }, "gateway top-up credited");
    events.credited(orders.get(order.order_id)!, repos.ledger.balance(order.user_id), by, order.status === "pending" ? null : order.status);
    return true;
  }

  function closeOrder(order: OrderRow, to: OrderStatus, now: number): boolean {
    if (!orders.close(order.order_id, "pending", to, now)) return false;
    const closed = orders.get(order.order_id)!;
    // A charge the payer never saw needs no word: they were told it could not be made.
    if (closed.charge_outcome === "created") events.closed(closed);
    return true;
  }

  function reverse(order: OrderRow, state: GatewayOrderState, now: number): boolean {
    if (!orders.markReversed(order.order_id, state, now)) return false;
    log.warn({ orderId: order.order_id, state }, "a credited top-up was reversed at the gateway");
    events.reversed(orders.get(order.order_id)!, state);
    return true;
  }

  function review(order: OrderRow, reason: string, now: number): boolean {
    if (!orders.markNeedsReview({ orderId: order.order_id, reason, paidAmount: null, now })) return false;
    events.needsReview(orders.get(order.order_id)!);
    return true;
  }

  /**
   * Inside a commit: a notification whose signature checked, kept before it is answered. It proves
   * nothing yet: the status API confirms it (at once, or by the poller should this process die).
   */
  function recordNotification(p: { orderId: string; body: string; claimedStatus: string | null }): "stored" | "duplicate" | "unknown_order" {
    const now = deps.now();
    if (orders.get(p.orderId) === undefined) return "unknown_order";
    const bodyHash = createHash("sha256").update(p.body).digest("hex");
    if (!repos.gatewayNotifications.record({ gateway: gateway.name, orderId: p.orderId, bodyHash, body: p.body, claimedStatus: p.claimedStatus, now })) {
      return "duplicate";
    }
    orders.noteNotification(p.orderId, now, now + NOTIFIED_CHECK_DELAY_MS);
    scheduled();
    return "stored";
  }

  /** Confirms a stored notification through the status API once the endpoint has answered (the next turn of the event loop). */
  function confirmInBackground(orderId: string): void {
    const p = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => check(orderId, "notification"))
      .catch((err: unknown) => log.error({ err, orderId }, "confirming a notification failed; the poller will"));
    background.add(p);
    void p.finally(() => background.delete(p));
  }

  return {
    createOrder,
    charge,
    closeUncharged,
    check,
    recordNotification,
    confirmInBackground,
    /** Resolves when no background confirmation is running (shutdown, tests). */
    async idle(): Promise<void> {
      while (background.size > 0 || inFlight.size > 0) await Promise.allSettled([...background, ...inFlight.values()]);
    },
  };
}
export type TopupService = ReturnType<typeof createTopupService>;
