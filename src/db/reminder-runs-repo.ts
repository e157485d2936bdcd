import type { Db } from "./open.ts";
import type { Platform } from "../domain/messages.ts";
import type { ProductId } from "../domain/products.ts";
import type { PlannedRun, RunKind } from "../domain/reminders/planner.ts";

export type RunStatus = "planned" | "claimed" | "waiting_funds" | "done" | "skipped" | "failed";

export interface RunRow {
  id: number;
  saved_number_id: number | null;
  user_id: number;
  product: ProductId;
  kind: RunKind;
  period: string;
  due_at: number;
  deadline_at: number;
  status: RunStatus;
  reason: string | null;
  tx_ref: string | null;
  amount: number | null;
  platform: Platform | null;
  attempts: number;
  claimed_at: number | null;
  finished_at: number | null;
  /** An auto-payment that ended unpaid unannounced: when the payer is to be told (migration 011). */
  tell_at: number | null;
  created_at: number;
  updated_at: number;
}

/**
 * The schedule (docs/reminders.md#runs): one row per (saved number, kind, period). A row moves
 * planned → claimed → done | skipped | failed (an auto-payment may wait for money in between);
 * every move is a compare-and-set, so of two ticks — two processes, a restart — one acts.
 */
export function createReminderRunsRepo(db: Db) {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO reminder_runs (saved_number_id, user_id, product, kind, period, due_at, deadline_at, status, reason,
       finished_at, tell_at, created_at, updated_at)
     VALUES (@savedNumberId, @userId, @product, @kind, @period, @dueAt, @deadlineAt, @status, @reason,
       CASE WHEN @status = 'planned' THEN NULL ELSE @now END, CASE WHEN @kind = 'autopay' AND @status != 'planned' THEN @tellAt END, @now, @now)`,
  );
  const get = db.prepare<[number], RunRow>("SELECT * FROM reminder_runs WHERE id = ?");
  const dueAutopays = db.prepare<[number, number], RunRow>(
    "SELECT * FROM reminder_runs WHERE status = 'planned' AND due_at <= ? AND kind = 'autopay' ORDER BY due_at, id LIMIT ?",
  );
  const dueMessages = db.prepare<{ now: number; afterDue: number; afterId: number; limit: number }, RunRow>(
    `SELECT * FROM reminder_runs WHERE status = 'planned' AND due_at <= @now AND kind != 'autopay'
       AND (due_at > @afterDue OR (due_at = @afterDue AND id > @afterId))
     ORDER BY due_at, id LIMIT @limit`,
  );
  const claim = db.prepare<{ id: number; from: RunStatus; now: number }, { attempts: number }>(
    `UPDATE reminder_runs SET status = 'claimed', tx_ref = NULL, claimed_at = @now, attempts = attempts + 1, updated_at = @now
     WHERE id = @id AND status = @from
     RETURNING attempts`,
  );
  const finish = db.prepare<{ id: number; status: RunStatus; reason: string | null; platform: string | null; tellAt: number | null; now: number }>(
    `UPDATE reminder_runs SET status = @status, reason = @reason, platform = COALESCE(@platform, platform), finished_at = @now, tell_at = @tellAt,
       updated_at = @now
     WHERE id = @id AND status IN ('claimed', 'waiting_funds')`,
  );
  const release = db.prepare<{ id: number; now: number; counted: number }>(
    `UPDATE reminder_runs SET status = 'planned', tx_ref = NULL, attempts = attempts - 1 + @counted, updated_at = @now
     WHERE id = @id AND status = 'claimed'`,
  );
  const setTx = db.prepare<{ id: number; ref: string; now: number }>(
    "UPDATE reminder_runs SET tx_ref = @ref, updated_at = @now WHERE id = @id AND status = 'claimed'",
  );
  const waitFunds = db.prepare<{ id: number; amount: number; now: number }>(
    "UPDATE reminder_runs SET status = 'waiting_funds', amount = @amount, reason = 'short_balance', updated_at = @now WHERE id = @id AND status = 'claimed'",
  );
  const waiting = db.prepare<[], RunRow>("SELECT * FROM reminder_runs WHERE status = 'waiting_funds' ORDER BY id");
  const waitingFor = db.prepare<[number], RunRow>("SELECT * FROM reminder_runs WHERE status = 'waiting_funds' AND user_id = ? ORDER BY id");
  const claimed = db.prepare<[], RunRow>("SELECT * FROM reminder_runs WHERE status = 'claimed' ORDER BY id");
  const expirePlanned = db.prepare<{ now: number; tellAt: number }>(
    `UPDATE reminder_runs SET status = 'skipped', reason = 'late', finished_at = @now, tell_at = CASE WHEN kind = 'autopay' THEN @tellAt END, updated_at = @now
     WHERE status = 'planned' AND deadline_at <= @now`,
  );
  const expireWaiting = db.prepare<{ now: number; tellAt: number }>(
    `UPDATE reminder_runs SET status = 'skipped', reason = 'no_funds', finished_at = @now, tell_at = @tellAt, updated_at = @now
     WHERE status = 'waiting_funds' AND deadline_at <= @now`,
  );
  const toTell = db.prepare<[number, number], RunRow>("SELECT * FROM reminder_runs WHERE tell_at IS NOT NULL AND tell_at <= ? ORDER BY tell_at, id LIMIT ?");
  const told = db.prepare<[number]>("UPDATE reminder_runs SET tell_at = NULL WHERE id = ? AND tell_at IS NOT NULL");
  const removePlanned = db.prepare<[number, string, string]>("DELETE FROM reminder_runs WHERE saved_number_id = ? AND status = 'planned' AND kind IN (?, ?)");
  const removePlannedOfUser = db.prepare<[number]>("DELETE FROM reminder_runs WHERE user_id = ? AND status = 'planned'");
  const stopWaiting = db.prepare<{ savedNumberId: number; reason: string; now: number }>(
    `UPDATE reminder_runs SET status = 'skipped', reason = @reason, finished_at = @now, updated_at = @now
     WHERE saved_number_id = @savedNumberId AND status = 'waiting_funds'`,
  );
  const stopWaitingOfUser = db.prepare<{ userId: number; reason: string; now: number }>(
    `UPDATE reminder_runs SET status = 'skipped', reason = @reason, finished_at = @now, updated_at = @now
     WHERE user_id = @userId AND status = 'waiting_funds'`,
  );
  const sentSince = db.prepare<[number, string], { n: number }>(
    `SELECT COUNT(*) AS n FROM reminder_runs
     WHERE kind IN ('reminder', 'autopay_notice') AND status = 'done' AND finished_at >= ? AND platform = ?`,
  );
  const findRun = db.prepare<[string, number, string], RunRow>("SELECT * FROM reminder_runs WHERE period = ? AND saved_number_id = ? AND kind = ?");
  // The attempt count is kept (never reset): it is the claim's fence.
  const reopen = db.prepare<{ id: number; dueAt: number; deadlineAt: number; now: number }>(
    `UPDATE reminder_runs SET status = 'planned', reason = NULL, due_at = @dueAt, deadline_at = @deadlineAt, tx_ref = NULL, amount = NULL,
       platform = NULL, claimed_at = NULL, finished_at = NULL, tell_at = NULL, updated_at = @now
     WHERE id = @id AND status IN ('skipped', 'failed')`,
  );
  const keysOf = db.prepare<[string], { saved_number_id: number; kind: string }>(
    "SELECT saved_number_id, kind FROM reminder_runs WHERE period = ? AND saved_number_id IS NOT NULL",
  );

  return {
    /** Inserts what the planner asks for; rows that exist already are left alone. Returns how many were new. */
    insertMany(rows: readonly PlannedRun[], now: number, tellAt: number | null = null): number {
      let n = 0;
      for (const r of rows) n += insert.run({ ...r, now, tellAt }).changes;
      return n;
    },
    get: (id: number) => get.get(id),
    /** The (saved number, kind, period) keys that exist for some periods, as `id|kind|period`. */
    existingKeys(periods: readonly string[]): Set<string> {
      const out = new Set<string>();
      for (const p of periods) for (const r of keysOf.iterate(p)) out.add(`${r.saved_number_id}|${r.kind}|${p}`);
      return out;
    },
    /** The run of one saved number, kind and period, if there is one. */
    find: (savedNumberId: number, kind: RunKind, period: string) => findRun.get(period, savedNumberId, kind),
    /**
     * An auto-payment that ended unpaid, planned again for a new day the payer just confirmed
     * (reminder-plan.ts: replan decides when that is safe). A compare-and-set from skipped / failed.
     */
    reopen: (id: number, dueAt: number, deadlineAt: number, now: number) => reopen.run({ id, dueAt, deadlineAt, now }).changes === 1,
    /** Planned auto-payments whose time has come, oldest first. */
    dueAutopays: (now: number, limit: number) => dueAutopays.all(now, limit),
    /** Planned reminders and notices whose time has come, oldest first, a page after `after`. */
    dueMessages: (now: number, after: { dueAt: number; id: number } | null, limit: number) =>
      dueMessages.all({ now, afterDue: after?.dueAt ?? -1, afterId: after?.id ?? 0, limit }),
    /**
     * The compare-and-set before acting: for exactly one caller, the claim's number (its attempt),
     * which the step that acts checks again, so a claim taken over later is never acted on twice.
     */
    claim: (id: number, from: "planned" | "waiting_funds", now: number): number | null => claim.get({ id, from, now })?.attempts ?? null,
    finish: (id: number, status: "done" | "skipped" | "failed", reason: string | null, now: number, platform: Platform | null = null) =>
      finish.run({ id, status, reason, platform, tellAt: null, now }).changes === 1,
    /**
     * An auto-payment ends unpaid and nobody told the payer why (its day passed, a crash): the
     * "pay it yourself" message is owed from `tellAt`, in this same commit (docs/reminders.md#an-auto-payment-that-did-not-happen).
     */
    finishUntold: (id: number, status: "skipped" | "failed", reason: string, now: number, tellAt: number) =>
      finish.run({ id, status, reason, platform: null, tellAt, now }).changes === 1,
    /** Back to planned: nothing happened that matters (an inquiry cut off by a crash); the next tick tries again. */
    release: (id: number, now: number) => release.run({ id, now, counted: 1 }).changes === 1,
    /** Back to planned without having tried (the person was busy): the claim does not count as an attempt. */
    defer: (id: number, now: number) => release.run({ id, now, counted: 0 }).changes === 1,
    setTx: (id: number, ref: string, now: number) => setTx.run({ id, ref, now }).changes === 1,
    waitForFunds: (id: number, amount: number, now: number) => waitFunds.run({ id, amount, now }).changes === 1,
    waiting: () => waiting.all(),
    waitingFor: (userId: number) => waitingFor.all(userId),
    claimed: () => claimed.all(),
    /** Rows whose window closed unclaimed (a reminder after its due day) end skipped; an auto-payment's payer is owed a word from `tellAt`. */
    expire(now: number, tellAt: number): number {
      return expirePlanned.run({ now, tellAt }).changes + expireWaiting.run({ now, tellAt }).changes;
    },
    /** Auto-payments that ended unpaid whose payer is to be told by now. */
    toTell: (now: number, limit: number) => toTell.all(now, limit),
    /** The compare-and-set before telling: true for exactly one caller. */
    told: (id: number) => told.run(id).changes === 1,
    /** A setting changed: rows not yet acted on are dropped (the planner writes the new ones). */
    removePlanned: (savedNumberId: number, kinds: readonly RunKind[]) => removePlanned.run(savedNumberId, kinds[0] ?? "", kinds[1] ?? kinds[0] ?? "").changes,
    removePlannedOfUser: (userId: number) => removePlannedOfUser.run(userId).changes,
    stopWaiting: (savedNumberId: number, reason: string, now: number) => stopWaiting.run({ savedNumberId, reason, now }).changes,
    stopWaitingOfUser: (userId: number, reason: string, now: number) => stopWaitingOfUser.run({ userId, reason, now }).changes,
    /** Reminders and notices sent on a platform since an instant (WhatsApp's daily cap counts them). */
    sentSince: (platform: Platform, since: number) => sentSince.get(since, platform)?.n ?? 0,
  };
}
export type ReminderRunsRepo = ReturnType<typeof createReminderRunsRepo>;
