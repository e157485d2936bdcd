import type { Logger } from "pino";
import type { GroupCommitter } from "../../db/group-commit.ts";
import type { Repos } from "../../db/repos.ts";
import type { RunRow } from "../../db/reminder-runs-repo.ts";
import type { ConversationContext } from "../conversation/context.ts";
import { readSession } from "../conversation/session.ts";
import type { Turn } from "../conversation/turn.ts";
import type { Platform } from "../messages.ts";
import { startOfWibDay, wibDate } from "../wib-time.ts";
import { MAX_ATTEMPTS, finishFromTx, startAutopay, tellAt, tellUnpaid } from "./autopay-step.ts";
import { createPacer, unpaced, type Pacer } from "./pacer.ts";
import { planPeriods, planRuns, type PlanOptions } from "./planner.ts";
import { sendScheduledMessage } from "./reminder-step.ts";
import { isQuiet } from "./schedule-time.ts";

export interface SchedulerOptions extends PlanOptions {
  /** REMINDERS: false stops every auto-payment, a credit's wake-up included (docs/reminders.md#configuration). */
  enabled?: boolean;
  /** How often to look when nothing is waiting for a send slot. */
  tickMs: number;
  /** Telegram's broadcast budget (TELEGRAM_BROADCAST_RATE): reminders are bulk notifications too. */
  telegramRate: number;
  /** WhatsApp pacing and daily cap, the broadcasts' (docs/delivery.md#whatsapp-pacing). */
  whatsapp: { minDelayMs: number; maxDelayMs: number; dailyCap: number };
  /** Auto-payments running at once (each is an inquiry and a payment at a provider). */
  autopayInFlight?: number;
}

export interface TickReport {
  planned: number;
  dispatched: number;
  /** Due rows left for a later tick: no send slot, the daily cap, or too many auto-payments at once. */
  held: number;
  /** Of those, the ones waiting only for a send slot or an auto-payment's turn: the next tick comes soon. */
  soon: number;
}

/** A claimed auto-payment untouched this long, whose payment never started, is looked at again. */
const STUCK_MS = 15 * 60_000;
/** Due messages are read a page at a time, and at most this many pages a tick. */
const DUE_PAGE = 1_000;
const DUE_PAGES = 5;
const PLAN_CHUNK = 1_000;
/** "Not paid automatically" messages written per tick (the rest follow on the next ones). */
const TELL_PAGE = 200;

/**
 * The reminder scheduler (docs/reminders.md#the-tick): rows, not timers. Each tick plans (on a new
 * WIB day, or at start), ends runs whose window closed, finishes auto-payments whose payment
 * settled, claims due runs in a commit of its own and hands each to its person's queue
 * (`engine.act`), where the step acts on it. Telegram and WhatsApp reminders are paced like
 * broadcasts, and WhatsApp's count against the same daily cap. The tick is a plain timer on the
 * app's clock; all it decides is read from SQLite, so a restart or a second process changes nothing.
 */
export function createReminderScheduler(deps: {
  repos: Repos;
  commits: GroupCommitter;
  engine: { act(person: number, act: (turn: Turn) => void): Promise<unknown> };
  ctx: ConversationContext;
  now: () => number;
  log: Logger;
  options: SchedulerOptions;
  /** Broadcast messages sent on a platform since an instant (the shared WhatsApp daily cap). */
  broadcastsSentSince: (platform: Platform, since: number) => number;
  random?: () => number;
}) {
  const { repos, commits, options } = deps;
  const random = deps.random ?? Math.random;
  const maxAutopays = options.autopayInFlight ?? 8;
  const lanes: Record<Platform, Pacer> = {
    telegram: createPacer({ burst: options.telegramRate, gapMs: () => 1000 / options.telegramRate }),
    whatsapp: createPacer({
      burst: 1,
      gapMs: () => options.whatsapp.minDelayMs + Math.floor(random() * (options.whatsapp.maxDelayMs - options.whatsapp.minDelayMs + 1)),
    }),
    console: unpaced,
  };
  /** Runs handed to the engine and not yet answered, so a tick does not queue them twice. */
  const inFlight = new Map<number, "autopay" | Platform>();
  const jobs = new Set<Promise<void>>();
  let plannedDay: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;
  /** stop() was called (shutting down): a credit no longer wakes anything. */
  let closing = false;
  let ticking: Promise<{ report: TickReport; done: Promise<void> }> | null = null;

  /**
   * Plans every enabled setting for this month and the next. What exists already is left out
   * before anything is written, and the rest is written a chunk per commit, so a day's plan for
   * many numbers does not hold payers' commits up; INSERT OR IGNORE keeps it idempotent whatever
   * another process planned meanwhile.
   */
  async function plan(): Promise<number> {
    const now = deps.now();
    const existing = repos.reminderRuns.existingKeys(planPeriods(now));
    const rows = planRuns(now, repos.reminderSettings.enabled(), options).filter((r) => !existing.has(`${r.savedNumberId}|${r.kind}|${r.period}`));
    let added = 0;
    for (let i = 0; i < rows.length; i += PLAN_CHUNK) {
      const chunk = rows.slice(i, i + PLAN_CHUNK);
      // An auto-payment recorded missed (the bot was down all its day) is owed a word to its payer.
      added += await commits.run(() => repos.reminderRuns.insertMany(chunk, now, tellAt(now)));
    }
    plannedDay = wibDate(now);
    if (added > 0) deps.log.info({ added }, "reminder runs planned");
    return added;
  }

  function track(id: number, lane: "autopay" | Platform, job: Promise<unknown>): void {
    inFlight.set(id, lane);
    const done: Promise<void> = job
      .catch((err: unknown) => deps.log.error({ err, run: id }, "a reminder run failed"))
      .then(() => {
        inFlight.delete(id);
        jobs.delete(done);
      });
    jobs.add(done);
  }

  function autopaysInFlight(): number {
    let n = 0;
    for (const lane of inFlight.values()) if (lane === "autopay") n++;
    return n;
  }

  type Pick = { run: RunRow; from: "planned" | "waiting_funds"; lane: "autopay" | Platform };

  /**
   * Claims the picked runs in one commit, then hands each claimed one to its person's queue. The
   * claim comes first, in its own commit: a run another process claimed is never entered into this
   * one's queues (where answering a leftover effect could cut into that process's work).
   */
  async function claimAndDispatch(picks: readonly Pick[]): Promise<number> {
    if (picks.length === 0) return 0;
    for (const p of picks) inFlight.set(p.run.id, p.lane);
    const now = deps.now();
    let claimed: { pick: Pick; attempt: number }[];
    try {
      claimed = await commits.run(() =>
        picks.flatMap((pick) => {
          const attempt = repos.reminderRuns.claim(pick.run.id, pick.from, now);
          return attempt === null ? [] : [{ pick, attempt }];
        }),
      );
    } finally {
      for (const p of picks) inFlight.delete(p.run.id);
    }
    for (const { pick, attempt } of claimed) {
      const { run, from } = pick;
      track(
        run.id,
        pick.lane,
        deps.engine.act(run.user_id, (turn) => {
          if (run.kind === "autopay") startAutopay(deps.ctx, turn, run.id, attempt, from);
          else sendScheduledMessage(deps.ctx, turn, run.id, attempt);
        }),
      );
    }
    return claimed.length;
  }

  /** WhatsApp's daily cap, shared with broadcasts: what both sent today, and what is on its way. */
  function underWhatsappCap(now: number): boolean {
    const since = startOfWibDay(now);
    let pending = 0;
    for (const lane of inFlight.values()) if (lane === "whatsapp") pending++;
    return deps.broadcastsSentSince("whatsapp", since) + repos.reminderRuns.sentSince("whatsapp", since) + pending < options.whatsapp.dailyCap;
  }

  /**
   * Auto-payments whose payment went out end with it (the reconciler settles pending ones later).
   * A run claimed long ago and never acted on (the process died between the claim and its step),
   * or whose payment never started and whose step is not waiting in the person's session (a bug
   * answered with an apology), is let go: its bill expired, the run tried again.
   */
  function sweep(now: number): void {
    for (const run of repos.reminderRuns.claimed()) {
      if (inFlight.has(run.id)) continue;
      if (run.tx_ref === null) {
        if ((run.claimed_at ?? 0) + STUCK_MS > now) continue;
        // A step that keeps failing (a bug: the person is apologised to each time) is not tried forever.
        if (run.attempts < MAX_ATTEMPTS) repos.reminderRuns.release(run.id, now);
        else repos.reminderRuns.finishUntold(run.id, "failed", "interrupted", now, tellAt(now));
        continue;
      }
      const tx = repos.transactions.get(run.tx_ref);
      if (tx && finishFromTx(deps.ctx, run, tx, now)) continue;
      if (tx && ["paying", "pending", "needs_review", "paid", "failed"].includes(tx.status)) continue;
      if ((run.claimed_at ?? 0) + STUCK_MS > now) continue;
      const session = repos.sessions.get(run.user_id);
      const effect = session === undefined ? undefined : readSession(session, now).state.effect;
      if (effect !== undefined && "run" in effect && effect.run === run.id) continue;
      if (tx) repos.transactions.setStatusFrom(tx.ref, "inquired", "expired", now);
      if (run.attempts < MAX_ATTEMPTS) repos.reminderRuns.release(run.id, now);
      else repos.reminderRuns.finishUntold(run.id, "failed", "interrupted", now, tellAt(now));
    }
  }

  /** Auto-payments waiting for money whose person now has enough (the same WIB day: expire ends the rest). */
  function fundedPicks(rows: readonly RunRow[], room: number): Pick[] {
    const picks: Pick[] = [];
    for (const run of rows) {
      if (picks.length >= room) break;
      if (inFlight.has(run.id) || repos.ledger.balance(run.user_id) < (run.amount ?? 0)) continue;
      picks.push({ run, from: "waiting_funds", lane: "autopay" });
    }
    return picks;
  }

  async function dispatchOnce(): Promise<{ report: TickReport; done: Promise<void> }> {
    const now = deps.now();
    const planned = plannedDay === wibDate(now) ? 0 : await plan();
    await commits.run(() => {
      repos.reminderRuns.expire(now, tellAt(now));
      sweep(now);
      // Auto-payments that ended unpaid unannounced: their payers are told, never in quiet hours.
      if (!isQuiet(now)) for (const run of repos.reminderRuns.toTell(now, TELL_PAGE)) tellUnpaid(deps.ctx, run);
    });
    const picks = fundedPicks(repos.reminderRuns.waiting(), maxAutopays - autopaysInFlight());
    // Auto-payments, a few at a time (each is a provider inquiry and payment); read apart from the
    // messages, so reminders held back (quiet hours, the cap) never hide them.
    const room = Math.max(0, maxAutopays - autopaysInFlight() - picks.length);
    const autopays = repos.reminderRuns.dueAutopays(now, room + inFlight.size + 1).filter((r) => !inFlight.has(r.id));
    for (const run of autopays.slice(0, room)) picks.push({ run, from: "planned", lane: "autopay" });
    let soon = Math.max(0, autopays.length - room);
    let held = soon;
    // Reminders and notices: nothing unasked in quiet hours; they wait until 07:00 WIB (docs/reminders.md#time).
    let after: { dueAt: number; id: number } | null = null;
    for (let page = 0; page < DUE_PAGES && !isQuiet(now); page++) {
      const rows = repos.reminderRuns.dueMessages(now, after, DUE_PAGE);
      for (const run of rows) {
        if (inFlight.has(run.id)) continue;
        const user = repos.users.findById(run.user_id);
        const platform = user?.platform ?? "console";
        // A run that will end without a message (blocked, opted out on WhatsApp) takes no send slot.
        const silent = user === undefined || user.blocked === 1 || (platform === "whatsapp" && user.broadcast_opt_out === 1);
        if (!silent && platform === "whatsapp" && !underWhatsappCap(now)) {
          held++; // until tomorrow, while its window is open
          continue;
        }
        if (!silent && !lanes[platform].take(now)) {
          held++;
          soon++;
          continue;
        }
        picks.push({ run, from: "planned", lane: platform });
      }
      const last = rows.at(-1);
      if (rows.length < DUE_PAGE || last === undefined) break;
      after = { dueAt: last.due_at, id: last.id };
    }
    const dispatched = await claimAndDispatch(picks);
    const done = Promise.all([...jobs]).then(() => undefined);
    return { report: { planned, dispatched, held, soon }, done };
  }

  function schedule(ms: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void loop(), Math.max(0, ms));
    timer.unref();
  }

  async function loop(): Promise<void> {
    timer = null;
    let next = options.tickMs;
    try {
      const { report } = await dispatchOnceGuarded();
      // Rows waiting for a send slot go as soon as one frees up, not a whole tick later.
      if (report.soon > 0) next = Math.min(next, Math.max(250, nextSlotMs()));
    } catch (err) {
      deps.log.error({ err }, "reminder tick failed");
    }
    schedule(next);
  }

  function nextSlotMs(): number {
    const now = deps.now();
    return Math.min(lanes.telegram.waitMs(now), lanes.whatsapp.waitMs(now), 1_000);
  }

  function dispatchOnceGuarded(): Promise<{ report: TickReport; done: Promise<void> }> {
    if (ticking) return ticking;
    ticking = dispatchOnce().finally(() => (ticking = null));
    return ticking;
  }

  return {
    plan,
    /** One tick; resolves once every run it handed to the engine is answered (tests, the CLI). */
    async tick(): Promise<TickReport> {
      const { report, done } = await dispatchOnceGuarded();
      await done;
      return report;
    },
    /**
     * Money came in for a person (an approved /isi, a gateway top-up): their auto-payments waiting
     * for it are tried now rather than at the next tick. Resolves when those are answered.
     */
    async onBalanceCredited(userId: number): Promise<void> {
      // The operator's switch (REMINDERS=false) and a shutdown stop this path too: it claims and pays.
      if (options.enabled === false || closing) return;
      await claimAndDispatch(fundedPicks(repos.reminderRuns.waitingFor(userId), Number.MAX_SAFE_INTEGER));
      await Promise.all([...jobs]);
    },
    start(): void {
      if (!stopped) return;
      stopped = false;
      closing = false;
      schedule(0);
    },
    /** Stops ticking; waits a little for runs in flight (a hung provider call must not block shutdown). */
    async stop(graceMs = 5_000): Promise<void> {
      stopped = true;
      closing = true;
      if (timer) clearTimeout(timer);
      timer = null;
      let t: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => (t = setTimeout(r, graceMs)));
      await Promise.race([Promise.all([...jobs, ticking ?? Promise.resolve()]), grace]);
      clearTimeout(t);
    },
    /** Resolves when nothing handed to the engine is still running. */
    async idle(): Promise<void> {
      while (jobs.size > 0) await Promise.all([...jobs]);
    },
  };
}
export type ReminderScheduler = ReturnType<typeof createReminderScheduler>;
