import type { Logger } from "pino";

const DAY_MS = 24 * 3_600_000;

/**
 * How long a platform message id is kept for de-duplication (the engine's `inbound` table, and the
 * processed rows of the Telegram inbox). It must outlive every re-delivery: Telegram keeps an
 * unconfirmed update at most 24 hours and retries a webhook within that time, and WhatsApp re-sends
 * on reconnect within minutes. It must also be gone before an id can come back: Telegram picks the
 * next update_id at random after a week without updates, so an id kept longer than that could drop
 * a new update as a "duplicate" of an old one. Three days leaves room on both sides, also for a daily
 * prune that runs up to a day late.
 */
export const DEDUP_RETENTION_MS = 3 * DAY_MS;

/**
 * Prunes the `inbound` ids and the processed Telegram inbox rows now and then once a day; a crash
 * in between only delays a prune.
 */
export function createDedupPruner(deps: {
  inbound: { pruneBefore(before: number): number };
  telegramInbox: { pruneProcessedBefore(before: number): number };
  now: () => number;
  log: Logger;
  everyMs?: number;
}) {
  let timer: NodeJS.Timeout | null = null;

  function runOnce(): number {
    try {
      const before = deps.now() - DEDUP_RETENTION_MS;
      const removed = deps.inbound.pruneBefore(before) + deps.telegramInbox.pruneProcessedBefore(before);
      if (removed > 0) deps.log.debug({ removed }, "old message ids pruned");
      return removed;
    } catch (err) {
      // A busy database today is pruned tomorrow; nothing depends on it happening now.
      deps.log.warn({ err }, "pruning inbound message ids failed");
      return 0;
    }
  }

  return {
    runOnce,
    start() {
      if (timer !== null) return;
      runOnce();
      timer = setInterval(runOnce, deps.everyMs ?? DAY_MS);
      timer.unref();
    },
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}
