import type { Logger } from "pino";
import type { GroupCommitter } from "../db/group-commit.ts";
import type { Repos } from "../db/repos.ts";
import type { UserRow } from "../db/users-repo.ts";
import { localeOr, type Locale, type Translate } from "../i18n.ts";
import { createArrivalClock, type ArrivalClock } from "./arrival-clock.ts";
import type { Effect, EffectRegistry } from "./conversation/effects.ts";
import { SESSION_VERSION, readSession, type SessionState } from "./conversation/session.ts";
import { Turn } from "./conversation/turn.ts";
import type { InboundEvent, Platform } from "./messages.ts";
import type { Notifier } from "./notifier.ts";
import { createRateLimiter } from "./rate-limiter.ts";

export interface EngineDeps {
  repos: Repos;
  commits: GroupCommitter;
  effects: EffectRegistry;
  /** The conversation: one step for one event (or for something the bot does unasked). */
  conversation: { handle(turn: Turn, opts: { reset: boolean; firstContact: boolean }): void };
  notifier: Notifier;
  t: Translate;
  now: () => number;
  /** Stamps arrivals and menus; shared with transports that store messages before handling them. */
  arrivalClock?: ArrivalClock;
  isAdmin: (platform: Platform, externalId: string) => boolean;
  defaultLocale: Locale;
  demoBalance: number;
  log: Logger;
  /** Messages per payer per minute before the polite "slow down". */
  messagesPerMinute?: number;
}

export type HandleResult = "handled" | "duplicate" | "rate_limited";

/** Platform ids kept in memory with the person they belong to (a lookup saved per message). */
const MAX_REMEMBERED_IDS = 200_000;
/** Sessions kept in memory as last committed (a read and a parse saved per message). */
const MAX_REMEMBERED_SESSIONS = 10_000;

type Job =
  | { kind: "event"; event: InboundEvent; done: (result: HandleResult) => void }
  | { kind: "act"; act: (turn: Turn) => void; done: (result: HandleResult) => void }
  | { kind: "resume"; effect: Effect; done: (result: HandleResult) => void };

interface Person {
  jobs: Job[];
  running: boolean;
}

/**
 * The transport-agnostic engine (docs/architecture.md). Each person's jobs run one at a time, in
 * order; different people's run at once, and their commits are shared (group commit). A job is a
 * step — the inbound id, state, ledger and outbox rows written in one commit — and then, while the
 * step asked for one, an effect: run outside any commit, answered by its `after` in the next.
 * The engine knows no effect by name.
 */
export function createEngine(deps: EngineDeps) {
  const { repos, t, commits, effects } = deps;
  const stamp = deps.arrivalClock ?? createArrivalClock(deps.now);
  const limiter = createRateLimiter({ limit: deps.messagesPerMinute ?? 30, windowMs: 60_000, now: deps.now });
  const queues = new Map<number, Person>();
  /** `<platform>\0<id>` → the person's user id. */
  const people = new Map<string, number>();
  /**
   * Each person's session as last committed, frozen. Only the engine writes sessions, and one
   * person's jobs never overlap, so this is the row without reading and re-validating it. Set only
   * after the commit that saved it: a rolled-back step leaves the previous state, as in the row.
   */
  const sessions = new Map<number, Readonly<SessionState>>();
  let idleWaiters: (() => void)[] = [];

  /**
   * The person behind an event, created on first contact. Everything after this is keyed on the
   * person, not on the id the message came from: WhatsApp may name one person by phone and by LID.
   */
  async function personOf(ev: InboundEvent): Promise<number> {
    for (const id of [ev.userId, ...(ev.aliases ?? [])]) {
      const key = `${ev.platform}\u0000${id}`;
      const known = people.get(key) ?? repos.users.findByIdentity(ev.platform, id)?.id;
      if (known !== undefined) {
        remember(key, known);
        return known;
      }
    }
    return commits.run(() => resolveUser(ev, deps.now()).id);
  }

  /** An id once tied to a person stays tied to them: looked up once, then kept (bounded). */
  function remember(key: string, person: number): void {
    if (people.has(key)) return;
    if (people.size >= MAX_REMEMBERED_IDS) people.delete(people.keys().next().value as string);
    people.set(key, person);
  }

  /**
   * Finds the person behind an event (by any of their ids) or creates them, with the demo balance.
   * A person already known, writing from the one id they have, is read by their own id.
   */
  function resolveUser(ev: InboundEvent, now: number, person?: number): UserRow {
    const known = person !== undefined && (ev.aliases ?? []).length === 0 ? repos.users.findById(person) : undefined;
    if (known !== undefined) return touched(known, ev, now, false);
    const ids = [ev.userId, ...(ev.aliases ?? [])];
    let user: UserRow | undefined;
    let matched: string | undefined;
    for (const id of ids) {
      user = repos.users.findByIdentity(ev.platform, id);
      if (user) {
        matched = id;
        break;
      }
    }
    let created = false;
    if (!user) {
      user = repos.users.create({
        platform: ev.platform,
        externalId: ev.userId,
        address: ev.address,
        displayName: ev.displayName,
        locale: localeOr(ev.localeHint, deps.defaultLocale),
        now,
      });
      created = true;
      matched = ev.userId;
      if (deps.demoBalance > 0)
        repos.ledger.post({ userId: user.id, amount: deps.demoBalance, kind: "demo", actor: "system", note: "demo balance (simulator)", now });
    }
    // One person, one balance: every id the platform revealed points at the same user.
    if (ids.length > 1 || matched !== ev.userId) {
      for (const id of ids) {
        if (id === matched || repos.users.addIdentity(ev.platform, id, user.id)) continue;
        // Seen before as a separate person (before the platform revealed the link): two balances
        // for one person. Merging money automatically is not safe; a person decides.
        const other = repos.users.findByIdentity(ev.platform, id);
        if (other && other.id !== user.id) {
          const first = user;
          deps.notifier.toAdmins((locale) => ({ text: t(locale, "alerts.identity_split", { a: first.public_id, b: other.public_id, platform: ev.platform }) }));
        }
      }
    }
    return touched(user, ev, now, created);
  }

  /** Written only when something changed (or once a minute), not on every message. */
  function touched(user: UserRow, ev: InboundEvent, now: number, created: boolean): UserRow {
    if (created || user.address !== ev.address || now - user.last_seen_at > 60_000) repos.users.touch(user.id, ev.address, now);
    return user.address === ev.address ? user : { ...user, address: ev.address };
  }

  function loadSession(person: number, now: number): { state: SessionState; reset: boolean; first: boolean } {
    const kept = sessions.get(person);
    // A shallow copy: a step replaces fields (the menu array included), it never edits them in place.
    if (kept !== undefined) return { state: { ...kept }, reset: false, first: false };
    return readSession(repos.sessions.get(person), now);
  }

  function keepSession(person: number, state: SessionState): void {
    Object.freeze(state.menu);
    const frozen = Object.freeze(state);
    const kept = commits.afterCommit(() => {
      sessions.delete(person);
      if (sessions.size >= MAX_REMEMBERED_SESSIONS) sessions.delete(sessions.keys().next().value as number);
      sessions.set(person, frozen);
    });
    // Saved outside a group commit (cannot happen today): the row is the truth, read it next time.
    if (!kept) sessions.delete(person);
  }

  function loadTurn(user: UserRow, now: number, ev: InboundEvent | null, actor?: string): { turn: Turn; reset: boolean; first: boolean } {
    const { state, reset, first } = loadSession(user.id, now);
    const admin = ev !== null && deps.isAdmin(ev.platform, ev.userId);
    const turn = new Turn(user, state, localeOr(user.locale, deps.defaultLocale), admin, actor ?? `${user.platform}:${user.public_id}`, now, ev, stamp);
    return { turn, reset, first };
  }

  /** Saves the turn: its state (with the effect it asked for, if any) and its replies. */
  function save(turn: Turn, touch: boolean): void {
    const state: SessionState = { ...turn.state, ...(touch && { at: turn.now }), ...(turn.effect === null ? {} : { effect: turn.effect }) };
    repos.sessions.save(turn.user.id, SESSION_VERSION, JSON.stringify(state), turn.now);
    keepSession(turn.user.id, state);
    for (const message of turn.replies) deps.notifier.toAddress(turn.user.platform, turn.user.address, turn.user.id, message);
  }

  /** An effect left unanswered (its after failed, or a crash): answered from the rows before anything else. */
  function settleLeftover(turn: Turn): void {
    const leftover = turn.state.effect;
    if (leftover === undefined) return;
    turn.state = { ...turn.state, effect: undefined };
    effects.after(turn, leftover, effects.resume(leftover));
  }

  type StepOutcome = { result: HandleResult; effect: Effect | null };

  function eventStep(ev: InboundEvent, person: number): StepOutcome {
    const now = deps.now();
    if (!repos.inbound.record(ev.platform, ev.messageId, person, now)) return { result: "duplicate", effect: null };
    const user = resolveUser(ev, now, person);
    const { turn, reset, first } = loadTurn(user, now, ev);
    // Admins are never limited (an operator may paste forty /topup lines); a limited payer is told every time.
    if (!turn.isAdmin && !limiter.allow(`user:${user.id}`)) {
      turn.say(t(turn.locale, "errors.slow_down"));
      save(turn, false);
      return { result: "rate_limited", effect: null };
    }
    settleLeftover(turn);
    deps.conversation.handle(turn, { reset, firstContact: first });
    save(turn, true);
    return { result: "handled", effect: turn.effect };
  }

  function actStep(person: number, act: (turn: Turn) => void): StepOutcome {
    const user = repos.users.findById(person);
    if (!user) return { result: "handled", effect: null };
    const { turn } = loadTurn(user, deps.now(), null, "system");
    settleLeftover(turn);
    act(turn);
    save(turn, false);
    return { result: "handled", effect: turn.effect };
  }

  /** Runs effects until a step asks for none: each run outside any commit, each answer in one. */
  async function runEffects(person: number, first: Effect, alreadyRan: "run" | "resume", ev: InboundEvent | null): Promise<void> {
    let effect: Effect | null = first;
    let mode = alreadyRan;
    while (effect !== null) {
      const current: Effect = effect;
      let result: { value: unknown } | null = null;
      if (mode === "run") {
        try {
          result = { value: await effects.run(current, person) };
        } catch (err) {
          deps.log.error({ err, effect: current.kind, ref: "ref" in current ? current.ref : undefined }, "effect failed; answering from the rows");
        }
      }
      mode = "run";
      try {
        effect = await commits.run(() => {
          const user = repos.users.findById(person)!;
          const { turn } = loadTurn(user, deps.now(), ev);
          turn.state = { ...turn.state, effect: undefined };
          effects.after(turn, current, result === null ? effects.resume(current) : result.value);
          save(turn, true);
          return turn.effect;
        });
      } catch (err) {
        deps.log.error({ err, effect: current.kind }, "answering an effect failed");
        await apologise(person, ev, effects.apologyKey(current), "ref" in current ? current.ref : undefined);
        return;
      }
    }
  }

  async function apologise(person: number | null, ev: InboundEvent | null, key = "errors.internal", ref?: string): Promise<void> {
    try {
      await commits.run(() => {
        if (ev !== null) repos.inbound.record(ev.platform, ev.messageId, person, deps.now());
        const user = person === null ? undefined : repos.users.findById(person);
        const platform = user?.platform ?? ev?.platform;
        const address = user?.address ?? ev?.address;
        if (platform === undefined || address === undefined) return;
        const locale = localeOr(user?.locale ?? ev?.localeHint, deps.defaultLocale);
        deps.notifier.toAddress(platform, address, user?.id ?? null, { text: t(locale, key, { ref: ref ?? "" }) });
      });
    } catch (err) {
      deps.log.error({ err }, "could not even apologise");
    }
  }

  async function runJob(person: number, job: Job): Promise<HandleResult> {
    const ev = job.kind === "event" ? job.event : null;
    if (job.kind === "resume") {
      await runEffects(person, job.effect, "resume", null);
      return "handled";
    }
    let outcome: StepOutcome;
    try {
      outcome = await commits.run(() => (job.kind === "event" ? eventStep(job.event, person) : actStep(person, job.act)));
    } catch (err) {
      // A bug must not leave the person without an answer, nor make the platform re-deliver forever.
      deps.log.error({ err, platform: ev?.platform, messageId: ev?.messageId }, "handling a step failed");
      await apologise(person, ev);
      return "handled";
    }
    if (outcome.effect !== null) await runEffects(person, outcome.effect, "run", ev);
    return outcome.result;
  }

  function pump(person: number): void {
    const p = queues.get(person);
    if (!p || p.running) return;
    const job = p.jobs.shift();
    if (!job) {
      queues.delete(person);
      if (queues.size === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
      return;
    }
    p.running = true;
    void runJob(person, job)
      .catch((err: unknown) => {
        deps.log.error({ err }, "a job failed");
        return "handled" as const;
      })
      .then((result) => {
        job.done(result);
        p.running = false;
        pump(person);
      });
  }

  function enqueue(person: number, job: Job): void {
    let p = queues.get(person);
    if (!p) {
      p = { jobs: [], running: false };
      queues.set(person, p);
    }
    p.jobs.push(job);
    pump(person);
  }

  return {
    /**
     * An id no longer names its person (a WhatsApp number left for a new one; the caller removed
     * it from the database): forgotten here too, so whoever writes from it next is nobody we know.
     */
    forgetId(platform: Platform, id: string): void {
      people.delete(`${platform}\u0000${id}`);
    },
    /** Handles one inbound event; resolves once its step and every effect it led to are answered. */
    async handle(incoming: InboundEvent): Promise<HandleResult> {
      const event: InboundEvent = incoming.receivedAt === undefined ? { ...incoming, receivedAt: stamp() } : incoming;
      let person: number;
      try {
        person = await personOf(event);
      } catch (err) {
        deps.log.error({ err, platform: event.platform, messageId: event.messageId }, "could not identify the sender");
        await apologise(null, event);
        return "handled";
      }
      return new Promise((done) => enqueue(person, { kind: "event", event, done }));
    },
    /**
     * Something the bot does for a person unasked (a credited top-up paying the bill it was for, an
     * auto-payment): a step like any other, in their queue, with the effects it asks for.
     */
    act(person: number, act: (turn: Turn) => void): Promise<HandleResult> {
      return new Promise((done) => enqueue(person, { kind: "act", act, done }));
    },
    /**
     * After a crash: every effect a step asked for and nobody answered is answered now, from the
     * rows (an inquiry cut off is closed as interrupted, a payment cut off is with the status checks).
     */
    recover(): number {
      const stuck = repos.sessions.withEffect();
      for (const row of stuck) {
        const { state } = readSession(row, deps.now());
        if (state.effect !== undefined) enqueue(row.user_id, { kind: "resume", effect: state.effect, done: () => undefined });
      }
      return stuck.length;
    },
    /** Resolves when every accepted job has been fully handled (shutdown, tests). */
    idle(): Promise<void> {
      if (queues.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
export type Engine = ReturnType<typeof createEngine>;
