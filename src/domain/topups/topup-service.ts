import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { GroupCommitter } from "../../db/group-commit.ts";
import type { Repos } from "../../db/repos.ts";
import type { OrderRow, OrderStatus } from "../../db/topup-orders-repo.ts";
import type { ChargeOutcome, GatewayOrderState, PaymentGateway, StatusOutcome, TopupMethod } from "../../gateway/port.ts";
import { mintOrderId } from "./order-id.ts";
import type { CheckedBy, TopupEvents } from "./topup-events.ts";
import {
  CHARGE_GRACE_MS,
  FIRST_CHECK_MS,
  NOTIFIED_CHECK_INTERVAL_MS,
  REVIEW_AFTER_EXPIRY_MS,
  lateLookAt,
  nextCheckAt,
  retryAt,
} from "./topup-check-schedule.ts";

/**
 * What a check came to: the order as it is now, and whether this check told the payer of a change
 * (a credit, a close, a review — then its notice spoke, and the payer's own check need not).
 */
export interface CheckResult {
  order: OrderRow | undefined;
  payerTold: boolean;
}

/** A notification is confirmed at once after it is answered; should this process die, the poller does it by then. */
const NOTIFIED_CHECK_DELAY_MS = 10_000;
/**
 * Notifications kept per order. Midtrans sends a handful (pending, settlement, perhaps an expiry or a
 * refund, each possibly twice); a body replayed with other unsigned fields is not kept past this,
 * though one with a signature not seen before for the order always is (docs/topups.md#notifications).
 */
export const MAX_NOTIFICATIONS_PER_ORDER = 20;

/** The parts of a notification that make it another one (docs/topups.md#notifications); unsigned but the first three. */
export interface NotificationFields {
  statusCode: string | null;
  grossAmount: string | null;
  transactionStatus: string | null;
  transactionId: string | null;
  signatureKey: string;
}

/** Closed without the money, after the payer was shown what to pay: still looked at a few times (late payment). */
const CLOSED_UNPAID: readonly OrderStatus[] = ["expired", "cancelled", "failed"];
const looksLate = (order: OrderRow) => CLOSED_UNPAID.includes(order.status) && order.charge_outcome === "created" && order.closed_at !== null;

type CancelOutcome = "cancelled" | "not_pending" | "unknown";
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

  async function askCancel(orderId: string): Promise<CancelOutcome> {
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
    if (order === undefined) return { order, payerTold: false };
    if (order.gateway !== gateway.name) {
      // Made through another gateway (GATEWAY changed while it was open): this one knows nothing of it.
      log.warn({ orderId, orderGateway: order.gateway }, "not asking about an order of another gateway");
      return { order, payerTold: false };
    }
    const startedAt = deps.now();
    // Notifications stored before this point are confirmed by the answer this check gets.
    const seenNotification = repos.gatewayNotifications.lastIdFor(orderId);
    if (options.minIntervalMs !== undefined && order.last_checked_at !== null && startedAt - order.last_checked_at < options.minIntervalMs) {
      return { order, payerTold: false };
    }
    if (order.status === "pending" && order.charge_started_at === null) {
      // The charge never started. Its effect runs right after the order's commit; long after, it never will.
      return commits.run(() => {
        if (deps.now() - order.created_at < CHARGE_GRACE_MS) {
          orders.recordCheck({ orderId, state: null, nextCheckAt: deps.now() + FIRST_CHECK_MS, attempts: order.check_attempts, now: deps.now() });
          return { order: orders.get(orderId), payerTold: false };
        }
        const closed = closeUncharged(orderId);
        return { order: closed, payerTold: closed?.status !== order.status };
      });
    }
    if (order.status === "pending" && order.charge_answered_at === null && startedAt - (order.charge_started_at ?? 0) < CHARGE_GRACE_MS) {
      // The charge may still be on its way: its own answer comes first (it shows the payer the QR).
      // Looked at again soon, not at the grace's end: a lost notification must not wait that long.
      return commits.run(() => {
        orders.recordCheck({ orderId, state: null, nextCheckAt: deps.now() + FIRST_CHECK_MS, attempts: order.check_attempts, now: deps.now() });
        return { order: orders.get(orderId), payerTold: false };
      });
    }
    let outcome = await askStatus(orderId);
    let cancel: CancelOutcome | null = null;
    const mustClose = order.status === "pending" && (startedAt >= order.expires_at || order.charge_outcome !== "created");
    const state = outcome.status === "known" && outcome.orderId === orderId ? outcome.state : null;
    // A charge the payer was shown that the gateway does not list (yet, or any more): only past its
    // expiry, and only after a cancel, is it closed (docs/topups.md#expiry-and-late-payment).
    const unlisted = state === "not_found" && order.charge_outcome === "created";
    // An order we closed that the gateway still holds payable: the payer was told it is over.
    const stillPayable = state === "pending" && CLOSED_UNPAID.includes(order.status);
    if ((mustClose && (state === "pending" || unlisted)) || stillPayable) {
      // Past its expiry (the gateway's own is lax), or a charge the payer never saw: stop it at the
      // gateway, then look again — a payment that raced the cancel is still credited.
      cancel = await askCancel(orderId);
      outcome = await askStatus(orderId);
      if (outcome.status === "unknown" && cancel === "cancelled") outcome = { status: "known", state: "cancelled", orderId };
    }
    const answer = outcome;
    return commits.run(() => decide(orderId, answer, by, seenNotification, cancel));
  }

  /** Inside a commit: acts on the status API's answer about an order. */
  function decide(orderId: string, outcome: StatusOutcome, by: CheckedBy, seenNotification: number, cancel: CancelOutcome | null): CheckResult {
    const now = deps.now();
    const order = orders.get(orderId)!;
    const cancelledByUs = cancel === "cancelled";
    if (outcome.status === "unknown" || outcome.orderId !== orderId) {
      if (outcome.status === "known") log.error({ orderId, answered: outcome.orderId }, "gateway answered about another order; ignored");
      return unanswered(order, now);
    }
    if (outcome.state === "not_found" && order.status === "pending" && order.charge_outcome === "created") {
      // The payer holds its QR or VA number: before its expiry, or while it could not be cancelled,
      // "not found" is no answer. Past its expiry and cancelled (or refused as not pending), it is closed.
      if (now < order.expires_at || cancel === null || cancel === "unknown") return unlisted(order, now);
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
          // A created charge reaches here "not found" only past its expiry, once cancelled: expired.
          const gone = state === "not_found" && order.charge_outcome === "created";
          const to: OrderStatus = state === "failed" || (state === "not_found" && !gone) ? "failed" : now >= order.expires_at ? "expired" : "cancelled";
          changed = closeOrder(order, to, now);
        } else if ((state === "failed" || state === "cancelled") && (order.status === "paid" || reportedPaid(order))) {
          // Told to the admins only: the payer's own check still gets its answer.
          reverse(order, state, now);
        }
        break;
      case "refunded":
        if (order.status === "paid" || order.status === "needs_review") reverse(order, state, now);
        else if (order.status === "pending") changed = closeOrder(order, "failed", now);
        break;
    }
    const fresh = orders.get(orderId)!;
    let next: number | null = null;
    if (fresh.status === "pending") next = nextCheckAt(fresh, now);
    else if (looksLate(fresh)) next = lateLookAt(fresh.closed_at!, now);
    // A notification that arrived while this check ran is confirmed by a later one: at once when it
    // carried a new status (confirmInBackground follows this check), else within the notified interval.
    if (fresh.notified_at !== null) next = Math.min(next ?? Number.POSITIVE_INFINITY, now + NOTIFIED_CHECK_INTERVAL_MS);
    orders.recordCheck({ orderId, state, nextCheckAt: next, attempts: 0, now });
    if (fresh.status === "pending" && now >= fresh.expires_at + REVIEW_AFTER_EXPIRY_MS) changed = review(fresh, "open_past_expiry", now) || changed;
    return { order: orders.get(orderId), payerTold: changed };
  }

  /** No clear answer (a timeout, a 5xx): ask again later, backing off; long past expiry, a person looks. */
  function unanswered(order: OrderRow, now: number): CheckResult {
    const attempts = order.check_attempts + 1;
    const open = order.status === "pending" || order.notified_at !== null;
    const next = open ? retryAt(attempts, now) : looksLate(order) ? lateLookAt(order.closed_at!, now) : null;
    orders.recordCheck({ orderId: order.order_id, state: null, nextCheckAt: next, attempts, now });
    const changed = order.status === "pending" && now >= order.expires_at + REVIEW_AFTER_EXPIRY_MS && review(order, "no_answer_past_expiry", now);
    return { order: orders.get(order.order_id), payerTold: changed };
  }

  /**
   * A created charge the gateway says it does not know, before its expiry (or not yet cancelled past
   * it): no answer. Notifications stay unconfirmed; the order is asked about on its ordinary
   * schedule, closed at its expiry only after a cancel; long past expiry, a person looks.
   */
  function unlisted(order: OrderRow, now: number): CheckResult {
    log.warn({ orderId: order.order_id }, "the gateway does not list an order it created; asking again");
    orders.recordCheck({ orderId: order.order_id, state: "not_found", nextCheckAt: nextCheckAt(order, now), attempts: order.check_attempts + 1, now });
    const changed = now >= order.expires_at + REVIEW_AFTER_EXPIRY_MS && review(order, "no_answer_past_expiry", now);
    return { order: orders.get(order.order_id), payerTold: changed };
  }

  /** An order under review that the gateway had reported paid (another amount, or since): a later reversal matters. */
  function reportedPaid(order: OrderRow): boolean {
    return order.status === "needs_review" && (order.paid_amount !== null || order.review_paid_at !== null);
  }

  /**
   * The credit: a compare-and-set of the order to paid and one ledger row naming it (a unique index),
   * in one commit. Only for the amount we ordered: another amount is a person's decision.
   */
  function credit(order: OrderRow, outcome: Extract<StatusOutcome, { status: "known" }>, by: CheckedBy, now: number): boolean {
    if (order.status === "paid") return false;
    if (order.status === "needs_review") return reviewedPaid(order, outcome.grossAmount, now);
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

  /**
   * An order a person is looking at, now reported paid: never credited by us (they may have credited
   * it by hand), but they must know the money is there — told once, the marker on the row.
   */
  function reviewedPaid(order: OrderRow, grossAmount: number | undefined, now: number): boolean {
    const reported = grossAmount !== undefined && Number.isSafeInteger(grossAmount) ? grossAmount : null;
    // The review began with this very report (another amount paid): the admins were told it then.
    if (order.review_reason?.startsWith("amount_mismatch:") === true && order.paid_amount === reported) return false;
    if (!orders.markReviewPaid({ orderId: order.order_id, paidAmount: reported, now })) return false;
    log.warn({ orderId: order.order_id, ordered: order.amount, paid: reported, reason: order.review_reason }, "an order under review is reported paid");
    events.reviewedOrderPaid(orders.get(order.order_id)!, reported);
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
    log.warn({ orderId: order.order_id, state, status: order.status }, "a credited (or reviewed) top-up was reversed at the gateway");
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
   * nothing yet: the status API confirms it (docs/topups.md#notifications). The same notification
   * (the fields that matter, whatever the bytes) is kept once and changes nothing. One carrying a
   * signature not seen before for the order — a status the gateway signed — is confirmed at once
   * ("new_status"); one that only repeats a signed status with other unsigned fields has the order
   * looked at no more than once a minute (at once: "repeat"; else "later"), and is kept only up to
   * MAX_NOTIFICATIONS_PER_ORDER.
   */
  function recordNotification(p: {
    orderId: string;
    body: string;
    claimedStatus: string | null;
    fields: NotificationFields;
  }): "new_status" | "repeat" | "later" | "duplicate" | "unknown_order" {
    const now = deps.now();
    const order = orders.get(p.orderId);
    // Another gateway's order is not ours to hear about here: this gateway's key signed it, but not for it.
    if (order === undefined || order.gateway !== gateway.name) return "unknown_order";
    const notes = repos.gatewayNotifications;
    const bodyHash = createHash("sha256").update(p.body).digest("hex");
    const f = p.fields;
    const fieldsHash = createHash("sha256")
      .update(JSON.stringify([p.orderId, f.statusCode, f.grossAmount, f.transactionStatus, f.transactionId, f.signatureKey]))
      .digest("hex");
    if (notes.seen(fieldsHash, bodyHash)) return "duplicate";
    const newStatus = !notes.signatureSeen(p.orderId, f.signatureKey);
    const keep = newStatus || notes.countFor(p.orderId) < MAX_NOTIFICATIONS_PER_ORDER;
    if (keep) {
      const row = { gateway: gateway.name, orderId: p.orderId, bodyHash, fieldsHash, signatureKey: f.signatureKey, body: p.body, now };
      if (!notes.record({ ...row, claimedStatus: p.claimedStatus })) return "duplicate";
    } else {
      log.warn({ orderId: p.orderId }, "a gateway notification repeating a known status was not kept: too many for this order");
    }
    // A check under way counts as the minute's (it ends within its timeout).
    const last = inFlight.has(p.orderId) ? now : order.last_checked_at;
    const at = newStatus || last === null ? now : Math.max(now, last + NOTIFIED_CHECK_INTERVAL_MS);
    // Kept: marked for confirmation, so the poller confirms it should this process die first.
    if (keep) orders.noteNotification(p.orderId, now, at === now ? now + NOTIFIED_CHECK_DELAY_MS : at);
    else orders.lookBy(p.orderId, at);
    scheduled();
    return newStatus ? "new_status" : at === now ? "repeat" : "later";
  }

  /**
   * Confirms a stored notification through the status API once the endpoint has answered (the next
   * turn of the event loop). A check already under way began before it was stored and so does not
   * confirm it: for a new status the gateway is asked again right after it; a repeat is left to the
   * poller, within the minute (the check under way was that minute's).
   */
  function confirmInBackground(orderId: string, options: { newStatus: boolean } = { newStatus: true }): void {
    const p = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        const running = inFlight.get(orderId);
        if (running !== undefined) {
          if (!options.newStatus) return;
          await running.catch(() => undefined);
          const after = orders.get(orderId);
          if (after === undefined || after.notified_at === null) return;
        }
        await check(orderId, "notification");
      })
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
