import { afterEach, describe, expect, it, vi } from "vitest";
import { createTopupPoller } from "../../../src/domain/topups/topup-poller.ts";
import { silentLogger } from "../../../src/logger.ts";
import type { OrderRow } from "../../../src/db/topup-orders-repo.ts";

afterEach(() => {
  vi.useRealTimers();
});

function setup(rows: { order_id: string; next_check_at: number; notified_at: number | null }[]) {
  const checked: [string, string][] = [];
  const poller = createTopupPoller({
    orders: {
      due: (now) => rows.filter((r) => r.next_check_at <= now) as unknown as OrderRow[],
      nextDueAt: () => (rows.length === 0 ? null : Math.min(...rows.map((r) => r.next_check_at))),
    },
    service: {
      check: async (orderId, by) => {
        checked.push([orderId, by]);
        const row = rows.find((r) => r.order_id === orderId)!;
        row.next_check_at = Date.now() + 20_000;
        return { order: undefined, payerTold: false };
      },
    },
    now: () => Date.now(),
    log: silentLogger(),
    idleIntervalMs: 15_000,
  });
  return { poller, checked };
}

describe("the top-up poller", () => {
  it("checks what is due when it is due; an order with a notification is checked as one", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const rows = [
      { order_id: "LTA", next_check_at: 1_015_000, notified_at: null },
      { order_id: "LTB", next_check_at: 1_005_000, notified_at: 1_000_000 },
    ];
    const { poller, checked } = setup(rows);
    poller.start();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(checked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(checked).toEqual([["LTB", "notification"]]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(checked).toEqual([
      ["LTB", "notification"],
      ["LTA", "poller"],
    ]);
    await poller.stop();
  });

  it("never spins on an order that stays due (its decision failing): a pause between rounds", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    let rounds = 0;
    const poller = createTopupPoller({
      orders: { due: () => [{ order_id: "LTX", notified_at: null } as OrderRow], nextDueAt: () => 0 },
      service: {
        check: async () => {
          rounds++;
          throw new Error("database is locked");
        },
      },
      now: () => Date.now(),
      log: silentLogger(),
    });
    poller.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(rounds).toBeGreaterThan(1);
    expect(rounds).toBeLessThanOrEqual(11);
    await poller.stop();
  });
});
