import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.ts";
import { createRepos } from "../../src/db/repos.ts";

function setup() {
  const db = openDatabase(":memory:");
  const repos = createRepos(db);
  const user = repos.users.create({ platform: "telegram", externalId: "1", address: "1", locale: "id", now: 0 });
  const order = (orderId: string, method: "qris" | "bca_va" = "qris") =>
    repos.topupOrders.insert({
      orderId,
      userId: user.id,
      gateway: "simulator",
      amount: 10_000,
      method,
      billRef: null,
      expiresAt: 900_000,
      nextCheckAt: 15_000,
      now: 0,
    });
  return { db, repos, user, order };
}

describe("topup orders in the database", () => {
  it("keeps order ids to Midtrans' rule", () => {
    const { order } = setup();
    expect(order("LT-ok_1~2.3").status).toBe("pending");
    for (const bad of ["", "a b", "a/b", "ä", "x".repeat(51)]) expect(() => order(bad), bad).toThrow(/CHECK/);
  });

  it("allows one open order per payer per method", () => {
    const { repos, order } = setup();
    order("LT1");
    expect(() => order("LT2")).toThrow(/UNIQUE/);
    order("LT3", "bca_va");
    expect(repos.topupOrders.close("LT1", "pending", "expired", 1)).toBe(true);
    order("LT2");
  });

  it("credits an order at most once: the paid compare-and-set, and a ledger row unique per order", () => {
    const { repos, user, order } = setup();
    order("LT1");
    expect(repos.topupOrders.markPaid({ orderId: "LT1", paidAmount: 10_000, paidAt: null, now: 1 })).toBe(true);
    expect(repos.topupOrders.markPaid({ orderId: "LT1", paidAmount: 10_000, paidAt: null, now: 2 })).toBe(false);
    repos.ledger.post({ userId: user.id, amount: 10_000, kind: "topup", orderId: "LT1", actor: "gateway:simulator", now: 1 });
    expect(() => repos.ledger.post({ userId: user.id, amount: 10_000, kind: "topup", orderId: "LT1", actor: "x", now: 2 })).toThrow(/UNIQUE/);
    expect(repos.ledger.creditForOrder("LT1")).toMatchObject({ amount: 10_000, kind: "topup", order_id: "LT1" });
    expect(repos.ledger.balance(user.id)).toBe(10_000);
    // Credits that name no order (admins' top-ups) are not limited by it.
    repos.ledger.post({ userId: user.id, amount: 5_000, kind: "topup", actor: "admin", now: 3 });
    repos.ledger.post({ userId: user.id, amount: 5_000, kind: "topup", actor: "admin", now: 3 });
    expect(repos.ledger.balance(user.id)).toBe(20_000);
  });

  it("may credit a late payment of an expired order, never one under review", () => {
    const { repos, order } = setup();
    order("LT1");
    repos.topupOrders.close("LT1", "pending", "expired", 1);
    expect(repos.topupOrders.markPaid({ orderId: "LT1", paidAmount: 10_000, paidAt: null, now: 2 })).toBe(true);
    order("LT2");
    expect(repos.topupOrders.markNeedsReview({ orderId: "LT2", reason: "amount_mismatch:1", paidAmount: 1, now: 1 })).toBe(true);
    expect(repos.topupOrders.markPaid({ orderId: "LT2", paidAmount: 10_000, paidAt: null, now: 2 })).toBe(false);
  });
  it("an order under review: reported paid once (the marker), its reversal recorded once", () => {
    const { repos, order } = setup();
    order("LT1");
    repos.topupOrders.markNeedsReview({ orderId: "LT1", reason: "no_answer_past_expiry", paidAmount: null, now: 1 });
    expect(repos.topupOrders.markReviewPaid({ orderId: "LT1", paidAmount: 10_000, now: 2 })).toBe(true);
    expect(repos.topupOrders.markReviewPaid({ orderId: "LT1", paidAmount: 10_000, now: 3 })).toBe(false);
    expect(repos.topupOrders.get("LT1")).toMatchObject({ status: "needs_review", review_paid_at: 2, review_paid_amount: 10_000 });
    expect(repos.topupOrders.markReversed("LT1", "refunded", 4)).toBe(true);
    expect(repos.topupOrders.markReversed("LT1", "refunded", 5)).toBe(false);
    // Only orders under review carry the marker; a pending or expired one cannot be reversed.
    order("LT2");
    expect(repos.topupOrders.markReviewPaid({ orderId: "LT2", paidAmount: 10_000, now: 2 })).toBe(false);
    expect(repos.topupOrders.markReversed("LT2", "refunded", 2)).toBe(false);
  });

  it("due orders are one gateway's, closed ones with a look scheduled included", () => {
    const { db, repos, order } = setup();
    order("LT1");
    order("LT2", "bca_va");
    db.prepare("UPDATE topup_orders SET gateway = 'midtrans' WHERE order_id = 'LT2'").run();
    expect(repos.topupOrders.due("simulator", 20_000, 10).map((o) => o.order_id)).toEqual(["LT1"]);
    expect(repos.topupOrders.due("midtrans", 20_000, 10).map((o) => o.order_id)).toEqual(["LT2"]);
    expect(repos.topupOrders.openElsewhere("simulator").map((o) => o.order_id)).toEqual(["LT2"]);
    repos.topupOrders.close("LT1", "pending", "expired", 900_000);
    expect(repos.topupOrders.nextDueAt("simulator")).toBeNull();
    repos.topupOrders.recordCheck({ orderId: "LT1", state: "expired", nextCheckAt: 1_020_000, attempts: 0, now: 900_000 });
    expect(repos.topupOrders.nextDueAt("simulator")).toBe(1_020_000);
    expect(repos.topupOrders.due("simulator", 1_020_000, 10).map((o) => o.order_id)).toEqual(["LT1"]);
  });
});
