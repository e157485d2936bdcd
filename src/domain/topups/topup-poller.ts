import type { Logger } from "pino";
import type { OrderRow } from "../../db/topup-orders-repo.ts";
import type { TopupService } from "./topup-service.ts";

/** The shortest pause between two rounds. */
const MIN_ROUND_GAP_MS = 500;

/**
 * Asks the gateway about orders until each is final (docs/topups.md#the-three-ways): pending ones on
 * the schedule of topup-check-schedule.ts, any with a notification not yet confirmed (one this
 * process stored and died before confirming), and a few late looks at orders closed unpaid.
 * Everything ends in the service's one `check`.
 */
export function createTopupPoller(deps: {
  /** The orders of the gateway in use (gateway-topups.ts binds the repository's queries to its name). */
  orders: { due(now: number, limit: number): OrderRow[]; nextDueAt(): number | null };
  service: Pick<TopupService, "check">;
  now: () => number;
  log: Logger;
  /** How often to look when nothing is due sooner. */
  idleIntervalMs?: number;
}) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = true;

  /** Checks every due order once; returns how many. */
  function runDue(): Promise<number> {
    if (running) return running;
    running = (async () => {
      try {
        const due = deps.orders.due(deps.now(), 50);
        await Promise.all(
          due.map((o) =>
            deps.service
              .check(o.order_id, o.notified_at !== null ? "notification" : "poller")
              .catch((err: unknown) => deps.log.error({ err, orderId: o.order_id }, "top-up check failed")),
          ),
        );
        return due.length;
      } finally {
        running = null;
      }
    })();
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    const next = deps.orders.nextDueAt();
    const idle = deps.idleIntervalMs ?? 30_000;
    // Never a busy loop: an order that stays due (its decision failing to commit) waits a moment.
    const delay = next === null ? idle : Math.max(MIN_ROUND_GAP_MS, Math.min(idle, next - deps.now()));
    timer = setTimeout(() => {
      // A failed round (the database busy for a while) is logged and tried again, never fatal.
      void runDue()
        .catch((err: unknown) => deps.log.error({ err }, "top-up poller round failed"))
        .finally(schedule);
    }, delay);
    timer.unref();
  }

  return {
    runDue,
    start(): void {
      stopped = false;
      schedule();
    },
    /** Something new is due: look again at the right time rather than at the idle interval. */
    poke(): void {
      if (stopped || running) return;
      if (timer) clearTimeout(timer);
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running;
    },
  };
}
export type TopupPoller = ReturnType<typeof createTopupPoller>;
