import type { Logger } from "pino";
import { inTransaction, type Db } from "../../db/open.ts";
import type { UsersRepo } from "../../db/users-repo.ts";
import { escapeHtml } from "../../domain/html.ts";
import type { Platform } from "../../domain/messages.ts";
import type { Notifier } from "../../domain/notifier.ts";
import { startOfWibDay } from "../../domain/wib-time.ts";
import { localeOr, type Locale, type Translate } from "../../i18n.ts";
import type { BroadcastRepo, RecipientRow } from "../../db/broadcasts-repo.ts";
import { type SendError, sendFailureOf } from "../../domain/delivery/send-error.ts";
import type { BroadcastChannel } from "./channel.ts";

type Outcome =
  | { state: "sent"; messageId: string | null }
  | { state: "failed"; error: string }
  | { state: "blocked" }
  | { state: "pending"; retryAfterMs: number }
  | { state: "stop"; error: string };

/**
 * Delivers broadcasts in the background, one lane per platform, a page at a time. Each recipient
 * is claimed (`sending`) in SQLite before its message leaves, so a crash loses at most the sends in
 * flight and never repeats one (docs/delivery.md#broadcasts).
 */
export function createBroadcastRunner(deps: {
  db: Db;
  broadcasts: BroadcastRepo;
  users: UsersRepo;

  notifier: Notifier;
  t: Translate;
  now: () => number;
  log: Logger;
  defaultLocale: Locale;
  progressEveryMs?: number;
  tickMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Other unasked messages counted against the same daily cap (reminders: docs/reminders.md#whatsapp). */
  alsoSentSince?: (platform: Platform, since: number) => number;
}) {
  const { broadcasts } = deps;
  const channels = new Map<Platform, BroadcastChannel>();
  const active = new Map<number, Promise<void>>();
  const lastReport = new Map<number, number>();
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let started = false;

  function message(row: RecipientRow, text: string): string {
    const locale = localeOr(row.locale, deps.defaultLocale);
    return `${escapeHtml(text)}\n\n<i>${deps.t(locale, "broadcast.footer")}</i>`;
  }

  async function deliver(channel: BroadcastChannel, row: RecipientRow, text: string): Promise<Outcome> {
    try {
      const messageId = await channel.send(row.address, message(row, text));
      return { state: "sent", messageId: typeof messageId === "string" ? messageId : null };
    } catch (err) {
      // The outbox's vocabulary (docs/delivery.md), read the broadcast way: at most once per recipient.
      const text = err instanceof Error ? err.message : String(err);
      switch (sendFailureOf(err)) {
        case "blocked":
          return { state: "blocked" };
        case "retry_after":
          return { state: "pending", retryAfterMs: (err as SendError).retryAfterMs };
        case "account_limited":
          return { state: "stop", error: text };
        default:
          return { state: "failed", error: text };
      }
    }
  }

  /** Writes what became of a batch; runs inside the caller's transaction. */
  function record(id: number, claimed: RecipientRow[], outcomes: Outcome[]): { retryAfter: number; stop: string | null } {
    let retryAfter = 0;
    let stop: string | null = null;
    const now = deps.now();
    claimed.forEach((r, i) => {
      const o = outcomes[i]!;
      if (o.state === "pending") retryAfter = Math.max(retryAfter, o.retryAfterMs);
      if (o.state === "stop") stop = o.error;
      broadcasts.finish(id, r.user_id, o.state === "stop" ? "pending" : o.state, "error" in o ? o.error : null, now, "messageId" in o ? o.messageId : null);
      if (o.state === "blocked") deps.users.setBlocked(r.user_id, true);
    });
    return { retryAfter, stop };
  }

  /** Sent today on a platform: broadcasts, and whatever else counts against the same cap. */
  function sentToday(platform: Platform): number {
    const today = startOfWibDay(deps.now());
    return broadcasts.sentSince(platform, today) + (deps.alsoSentSince?.(platform, today) ?? 0);
  }

  async function runLane(id: number, platform: Platform): Promise<"drained" | "waiting" | "stopped"> {
    // The previous batch's results are written in the same transaction that claims the next batch:
    // one commit per batch, and still nothing leaves before its row says `sending`.
    let done: { claimed: RecipientRow[]; outcomes: Outcome[] } | null = null;
    const flush = () => {
      if (done) inTransaction(deps.db, () => record(id, done!.claimed, done!.outcomes));
      done = null;
    };
    try {
      for (;;) {
        const b = broadcasts.get(id);
        if (!b || b.status !== "running" || stopped) return "stopped";
        const channel = channels.get(platform);
        if (!channel) return "waiting";
        if (channel.underDailyCap && !channel.underDailyCap(sentToday(platform) + (done?.claimed.length ?? 0))) return "waiting";
        const previous: { claimed: RecipientRow[]; outcomes: Outcome[] } | null = done;
        done = null;
        type Step = { claimed: RecipientRow[]; result: { retryAfter: number; stop: string | null } };
        const { claimed, result } = inTransaction(deps.db, (): Step => {
          const result = previous ? record(id, previous.claimed, previous.outcomes) : { retryAfter: 0, stop: null };
          if (result.stop !== null || result.retryAfter > 0) return { claimed: [], result };
          const page = broadcasts.page(id, platform, channel.inFlight);
          return { claimed: page.filter((r) => broadcasts.claim(id, r.user_id, deps.now())), result };
        });
        report(id, false);
        if (result.stop !== null) {
          broadcasts.setStatus(id, "running", "paused", deps.now(), result.stop);
          report(id, true);
          deps.log.warn({ broadcast: id, platform, reason: result.stop }, "broadcast paused by the platform");
          return "stopped";
        }
        if (result.retryAfter > 0) {
          await sleep(result.retryAfter);
          continue;
        }
        if (claimed.length === 0) return "drained";
        done = { claimed, outcomes: await Promise.all(claimed.map((r) => deliver(channel, r, b.text))) };
        // Let payer traffic and timers in between batches, even when a channel answers instantly.
        await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      flush();
    }
  }

  async function run(id: number): Promise<void> {
    const lanes = broadcasts.pendingLanes(id);
    const results = await Promise.all(lanes.map((platform) => runLane(id, platform)));
    const b = broadcasts.get(id);
    if (b?.status === "running" && results.every((r) => r === "drained") && broadcasts.pendingLanes(id).length === 0) {
      broadcasts.setStatus(id, "running", "done", deps.now());
      report(id, true);
      deps.log.info({ broadcast: id, counts: broadcasts.counts(id) }, "broadcast done");
    }
  }

  /** One progress message per broadcast, edited in place where the platform can (Telegram). */
  function report(id: number, force: boolean): void {
    const now = deps.now();
    if (!force && now - (lastReport.get(id) ?? 0) < (deps.progressEveryMs ?? 5_000)) return;
    lastReport.set(id, now);
    const b = broadcasts.get(id);
    if (!b) return;
    const c = broadcasts.counts(id);
    inTransaction(deps.db, () =>
      deps.notifier.toAddress(b.admin_platform, b.admin_address, b.admin_user_id, {
        text: deps.t(deps.notifier.localeOf(b.admin_user_id), "admin.broadcast_progress", {
          id,
          status: deps.t(deps.notifier.localeOf(b.admin_user_id), `admin.broadcast_status_${b.status}`),
          sent: c.sent,
          total: b.total,
          failed: c.failed,
          blocked: c.blocked,
          skipped: c.skipped,
          pending: c.pending + c.sending,
        }),
        tag: `broadcast:${id}`,
      }),
    );
  }

  function kick(id?: number): void {
    if (stopped) return;
    const ids = id === undefined ? broadcasts.running().map((b) => b.id) : [id];
    for (const bid of ids) {
      if (active.has(bid)) continue;
      const job = run(bid)
        .catch((err: unknown) => deps.log.error({ err, broadcast: bid }, "broadcast lane failed"))
        .finally(() => active.delete(bid));
      active.set(bid, job);
    }
  }

  return {
    /**
     * A transport plugs its channel in once it runs; lanes waiting for it start — once the runner
     * has started, since start() first settles the sends a crash left in flight.
     */
    register(platform: Platform, channel: BroadcastChannel): void {
      channels.set(platform, channel);
      if (started) kick();
    },
    /** The channel registered for a platform (tests, diagnostics). */
    channelOf: (platform: Platform) => channels.get(platform),
    kick,
    report,
    start(): void {
      stopped = false;
      started = true;
      const orphans = broadcasts.failOrphans(deps.now());
      if (orphans > 0) deps.log.warn({ orphans }, "broadcast sends interrupted by a restart were not repeated");
      kick();
      // Lanes that waited (daily cap, platform down) are looked at again now and then.
      timer = setInterval(() => kick(), deps.tickMs ?? 60_000);
      timer.unref();
    },
    /** Resolves when every running lane has stopped or drained. */
    async idle(): Promise<void> {
      while (active.size > 0) await Promise.all([...active.values()]);
    },
    /** Stops taking new pages; waits a little for sends in flight (a hung send must not block shutdown). */
    async stop(graceMs = 5_000): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      let t: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => (t = setTimeout(r, graceMs)));
      await Promise.race([Promise.all([...active.values()]), grace]);
      clearTimeout(t);
    },
  };
}
export type BroadcastRunner = ReturnType<typeof createBroadcastRunner>;
