import type { Logger } from "pino";
import type { GroupCommitter } from "../../db/group-commit.ts";
import type { Repos } from "../../db/repos.ts";
import type { TxRow } from "../../db/transactions-repo.ts";
import type { StatusOutcome } from "../../providers/port.ts";
import type { ProviderRouter } from "../../providers/router.ts";
import type { PaymentService } from "./payment-service.ts";
import { NOT_RECEIVED_GRACE_MS, REVIEW_AFTER_MS, nextCheckDelayMs } from "./status-check-schedule.ts";

/**
 * Asks providers about pending payments until each is final (docs/money.md), and settles them
 * through the same PaymentService.settle every other path uses.
 */
export function createReconciler(deps: {
  repos: Repos;
  commits: GroupCommitter;
  router: ProviderRouter;
  payments: PaymentService;
  now: () => number;
  log: Logger;
  /** How often to look when nothing is due sooner. */
  idleIntervalMs?: number;
}) {
  const { repos, payments } = deps;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = true;

  /** Hands `paying` rows to the status checks (never re-paid); without a status key, to a person. */
  async function handOver(rows: readonly TxRow[], why: string): Promise<number> {
    if (rows.length === 0) return 0;
    await deps.commits.run(() => {
      for (const tx of rows) payments.handOver(tx, why);
    });
    deps.log.warn({ count: rows.length, why }, "paying rows handed to the status checks");
    return rows.length;
  }

  /**
   * A row still `paying` long after its pay request must have ended was orphaned (its result could
   * not be written): treat it as pending rather than leave it until the next restart.
   */
  function adoptAbandonedPayments(): Promise<number> {
    const now = deps.now();
    return handOver(
      repos.transactions.withStatus("paying").filter((tx) => (tx.pay_started_at ?? now) + (tx.pay_timeout_ms ?? 0) + NOT_RECEIVED_GRACE_MS < now),
      "orphaned",
    );
  }

  function decide(tx: TxRow, outcome: StatusOutcome) {
    const now = deps.now();
    const current = repos.transactions.get(tx.ref);
    if (!current) return;
    if (current.status !== "pending") {
      // Settled meanwhile (an admin's /resolve): settle() changes nothing, but alerts if the provider disagrees.
      if (outcome.status === "success") payments.settle(tx.ref, { kind: "paid", receipt: outcome.receipt }, "reconciler");
      if (outcome.status === "failed") payments.settle(tx.ref, { kind: "failed", reason: outcome.reason }, "reconciler");
      return;
    }
    const startedAt = current.pay_started_at ?? current.created_at;
    switch (outcome.status) {
      case "success":
        payments.settle(tx.ref, { kind: "paid", receipt: outcome.receipt }, "reconciler");
        return;
      case "failed":
        payments.settle(tx.ref, { kind: "failed", reason: outcome.reason, code: outcome.code, message: outcome.message }, "reconciler");
        return;
      case "not_received":
        if (now >= startedAt + (current.pay_timeout_ms ?? 0) + NOT_RECEIVED_GRACE_MS) {
          payments.settle(tx.ref, { kind: "failed", reason: "not_received" }, "reconciler");
          return;
        }
        break;
      case "pending":
        break;
    }
    if (now - startedAt >= REVIEW_AFTER_MS) {
      payments.markNeedsReview(tx.ref, "no_final_answer_24h");
      return;
    }
    repos.transactions.reschedule(tx.ref, now + nextCheckDelayMs(current.check_attempts), now);
  }

  async function checkOne(tx: TxRow): Promise<void> {
    const provider = deps.router.get(tx.provider ?? "");
    if (!provider || tx.status_key === null) {
      await deps.commits.run(() => payments.markNeedsReview(tx.ref, provider ? "no_status_key" : "provider_not_configured"));
      return;
    }
    let outcome: StatusOutcome;
    try {
      outcome = await provider.status({ ref: tx.ref, product: tx.product, customerNumber: tx.customer_number, statusKey: tx.status_key });
    } catch (err) {
      deps.log.warn({ err, ref: tx.ref }, "status call threw; will ask again");
      outcome = { status: "pending", fault: "network" };
    }
    deps.log.info({ ref: tx.ref, outcome: outcome.status }, "status checked");
    await deps.commits.run(() => decide(tx, outcome));
  }

  /** Checks every due row once. Returns how many were checked. */
  async function runDue(): Promise<number> {
    if (running) return running;
    running = (async () => {
      try {
        await adoptAbandonedPayments();
        const due = repos.transactions.due(deps.now(), 50);
        await Promise.all(due.map((tx) => checkOne(tx).catch((err: unknown) => deps.log.error({ err, ref: tx.ref }, "reconcile failed"))));
        return due.length;
      } finally {
        running = null;
      }
    })();
    return running;
  }

  function schedule() {
    if (stopped) return;
    const next = repos.transactions.nextDueAt();
    const idle = deps.idleIntervalMs ?? 30_000;
    const delay = next === null ? idle : Math.max(0, Math.min(idle, next - deps.now()));
    timer = setTimeout(() => {
      // A failed round (the database busy for a while) is logged and tried again, never fatal.
      void runDue()
        .catch((err: unknown) => deps.log.error({ err }, "reconciler round failed"))
        .finally(schedule);
    }, delay);
    timer.unref();
  }

  return {
    /** Rows left in `paying` by a crash: the pay may or may not have left. Before any transport runs. */
    recoverAfterRestart: () => handOver(repos.transactions.withStatus("paying"), "restart"),
    runDue,
    /** Asks about one pending payment now, through the same decision as a scheduled check (the CLI's `status`). */
    async checkNow(ref: string): Promise<void> {
      const tx = repos.transactions.get(ref);
      if (tx?.status === "pending") await checkOne(tx);
    },
    start() {
      stopped = false;
      schedule();
    },
    /** Something new became pending: look again soon rather than at the idle interval. */
    poke() {
      if (stopped) return;
      if (timer) clearTimeout(timer);
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running;
    },
  };
}
export type Reconciler = ReturnType<typeof createReconciler>;
