import type { Logger } from "pino";
import { durably, inTransaction } from "../db/open.ts";
import type { Repos } from "../db/repos.ts";
import type { UserRow } from "../db/users-repo.ts";
import { isLocale, type Locale, type Translate } from "../i18n.ts";
import type { ProviderRouter } from "../providers/router.ts";
import type { AdminHandler, ConversationContext, ConversationSettings } from "./conversation/context.ts";
import { handleEvent } from "./conversation/conversation.ts";
import { afterInquiry } from "./conversation/flow.ts";
import { SESSION_VERSION, readSession, type SessionState } from "./conversation/session.ts";
import { Turn, type FollowUp } from "./conversation/turn.ts";
import { createArrivalClock, type ArrivalClock } from "./arrival-clock.ts";
import { createKeyedLock } from "./keyed-lock.ts";
import type { Choice, InboundEvent, Platform } from "./messages.ts";
import type { Notifier } from "./notifier.ts";
import type { PaymentService } from "./payments.ts";
import { createRateLimiter } from "./rate-limiter.ts";

export interface EngineDeps {
  repos: Repos;
  payments: PaymentService;
  router: ProviderRouter;
  notifier: Notifier;
  t: Translate;
  now: () => number;
  /** Stamps arrivals and menus; shared with transports that store messages before handling them. */
  arrivalClock?: ArrivalClock;
  settings: ConversationSettings;
  admin: AdminHandler | null;
  isAdmin: (platform: Platform, externalId: string) => boolean;
  demoBalance: number;
  log: Logger;
  /** Told when a payment became pending, so the reconciler looks soon. */
  onPending?: () => void;
  /** Messages per payer per minute before the polite "slow down". */
  messagesPerMinute?: number;
}

export type HandleResult = "handled" | "duplicate" | "rate_limited";

/**
 * The transport-agnostic engine: one inbound event at a time per payer; the inbound id, state,
 * ledger and outbox rows of a step are written in one IMMEDIATE transaction, then the step's
 * provider call (if any) runs, and its result is written the same way (SPEC §5).
 */
export function createEngine(deps: EngineDeps) {
  const { repos, t } = deps;
  const lock = createKeyedLock();
  const stamp = deps.arrivalClock ?? createArrivalClock(deps.now);
  const limiter = createRateLimiter({ limit: deps.messagesPerMinute ?? 30, windowMs: 60_000, now: deps.now });
  const ctx: ConversationContext = {
    repos,
    payments: deps.payments,
    router: deps.router,
    notifier: deps.notifier,
    t,
    settings: deps.settings,
    admin: deps.admin,
  };

  function localeFor(user: UserRow): Locale {
    return user.locale !== null && isLocale(user.locale) ? user.locale : deps.settings.defaultLocale;
  }

  function guessLocale(hint: string | undefined): Locale {
    const lang = hint?.slice(0, 2).toLowerCase();
    return lang === "en" || lang === "id" ? lang : deps.settings.defaultLocale;
  }

  /** Finds the person behind an event (by any of their ids) or creates them, with the demo balance. */
  function resolveUser(ev: InboundEvent, now: number): { user: UserRow; created: boolean } {
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
      user = repos.users.create({ platform: ev.platform, externalId: ev.userId, address: ev.address, displayName: ev.displayName, locale: guessLocale(ev.localeHint), now });
      created = true;
      matched = ev.userId;
      if (deps.demoBalance > 0) {
        repos.ledger.post({ userId: user.id, amount: deps.demoBalance, kind: "demo", actor: "system", note: "demo balance (simulator)", now });
      }
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
    // Written only when something changed (or once a minute), not on every message.
    if (created || user.address !== ev.address || now - user.last_seen_at > 60_000) repos.users.touch(user.id, ev.address, now);
    return { user: { ...user, address: ev.address }, created };
  }

  function loadTurn(user: UserRow, now: number, ev: InboundEvent | null): { turn: Turn; reset: boolean } {
    const { state, reset } = readSession(repos.sessions.get(user.id), now);
    const admin = ev !== null && deps.isAdmin(ev.platform, ev.userId);
    const actor = `${user.platform}:${user.public_id}`;
    return { turn: new Turn(user, state, localeFor(user), admin, actor, now, ev, stamp), reset };
  }

  function commit(turn: Turn, touch: boolean): void {
    const state: SessionState = touch ? { ...turn.state, at: turn.now } : turn.state;
    repos.sessions.save(turn.user.id, SESSION_VERSION, JSON.stringify(state), turn.now);
    for (const message of turn.replies) deps.notifier.toAddress(turn.user.platform, turn.user.address, turn.user.id, message);
  }

  /**
   * The person behind an event, created on first contact. Everything after this is keyed on the
   * person, not on the id the message came from: WhatsApp may name one person by phone and by LID.
   */
  function personOf(ev: InboundEvent): number {
    for (const id of [ev.userId, ...(ev.aliases ?? [])]) {
      const user = repos.users.findByIdentity(ev.platform, id);
      if (user) return user.id;
    }
    return inTransaction(repos.db, () => resolveUser(ev, deps.now()).user.id);
  }

  async function handle(incoming: InboundEvent): Promise<HandleResult> {
    const ev: InboundEvent = incoming.receivedAt === undefined ? { ...incoming, receivedAt: stamp() } : incoming;
    let person: number;
    try {
      person = personOf(ev);
    } catch (err) {
      deps.log.error({ err, platform: ev.platform, messageId: ev.messageId }, "could not identify the sender");
      apologise(ev);
      return "handled";
    }
    return lock.run(`user:${person}`, async () => {
      const log = deps.log.child({ platform: ev.platform, messageId: ev.messageId });
      let result: StepResult;
      try {
        result = step(ev, person);
      } catch (err) {
        // A bug must not leave the payer without an answer, nor make the platform re-deliver forever.
        log.error({ err }, "handling a message failed");
        apologise(ev);
        return "handled";
      }
      if (result.kind !== "handled") {
        log.debug({ outcome: result.kind }, "message not handled");
        return result.kind;
      }
      if (result.followUp) {
        log.debug({ step: result.followUp.kind, ref: result.followUp.ref }, "provider call");
        try {
          await runFollowUp(result.userId, result.followUp, ev);
        } catch (err) {
          log.error({ err, step: result.followUp.kind, ref: result.followUp.ref }, "follow-up failed");
          // After a pay request, "try again" would be wrong: the money may be moving. Say what is true.
          apologise(ev, result.followUp.kind === "pay" ? { key: "errors.internal_pay", ref: result.followUp.ref } : undefined);
        }
      }
      return "handled";
    });
  }

  type StepResult = { kind: "duplicate" | "rate_limited" } | { kind: "handled"; followUp: FollowUp | null; userId: number };

  function step(ev: InboundEvent, person: number): StepResult {
    const now = deps.now();
    // The commit that precedes a pay request must be durable; only a confirming payer can cause one.
    const current = repos.sessions.stepOfUser(person);
    const write = current === "confirming" || current === "confirming_again" ? durably : inTransaction;
    return write(repos.db, (): StepResult => {
      if (!repos.inbound.record(ev.platform, ev.messageId, null, now)) return { kind: "duplicate" };
      const { user } = resolveUser(ev, now);
      const firstContact = repos.sessions.get(user.id) === undefined;
      const { turn, reset } = loadTurn(user, now, ev);
      // Admins are never limited (an operator may paste forty /topup lines); a limited payer is told every time.
      if (!turn.isAdmin && !limiter.allow(`user:${user.id}`)) {
        turn.say(t(turn.locale, "errors.slow_down"));
        commit(turn, false);
        return { kind: "rate_limited" };
      }
      handleEvent(ctx, turn, { reset, firstContact });
      commit(turn, true);
      return { kind: "handled", followUp: turn.followUp, userId: user.id };
    });
  }

  function apologise(ev: InboundEvent, about?: { key: string; ref: string }): void {
    try {
      inTransaction(repos.db, () => {
        repos.inbound.record(ev.platform, ev.messageId, null, deps.now());
        const user = repos.users.findByIdentity(ev.platform, ev.userId);
        const locale = user?.locale && isLocale(user.locale) ? user.locale : deps.settings.defaultLocale;
        deps.notifier.toAddress(ev.platform, ev.address, user?.id ?? null, { text: about ? t(locale, about.key, { ref: about.ref }) : t(locale, "errors.internal") });
      });
    } catch (err) {
      deps.log.error({ err }, "could not even apologise");
    }
  }

  async function runFollowUp(userId: number, followUp: FollowUp, ev: InboundEvent): Promise<void> {
    if (followUp.kind === "inquire") {
      const { provider, outcome } = await deps.payments.runInquiry(followUp.ref).catch((err: unknown) => {
        deps.log.error({ err, ref: followUp.ref }, "inquiry threw; treating the provider as unavailable");
        return { provider: null, outcome: { status: "unavailable" as const, fault: "network" as const } };
      });
      inTransaction(repos.db, () => {
        const tx = deps.payments.finishInquiry(followUp.ref, provider, outcome);
        const user = repos.users.findById(userId)!;
        const { turn } = loadTurn(user, deps.now(), ev);
        afterInquiry(ctx, turn, tx);
        commit(turn, true);
      });
      return;
    }
    const outcome = await deps.payments.executePay(followUp.ref);
    inTransaction(repos.db, () => {
      const user = repos.users.findById(userId)!;
      const { turn } = loadTurn(user, deps.now(), ev);
      const tx = repos.transactions.get(followUp.ref)!;
      const saved = repos.savedNumbers.forProduct(userId, tx.product).some((s) => s.number === tx.customer_number);
      deps.payments.applyPayOutcome(followUp.ref, outcome, (locale) => {
        const choices: Choice[][] = [];
        if (outcome.status === "success" && !saved) choices.push([{ id: `save:${tx.ref}`, label: t(locale, "flow.save_button") }]);
        choices.push([{ id: "menu", label: t(locale, "flow.menu_button") }]);
        return { choices, nonce: turn.offer(choices) };
      });
      turn.state = { ...turn.state, step: "idle", ref: undefined };
      commit(turn, true);
    });
    if (outcome.status === "pending") deps.onPending?.();
  }

  /**
   * After a crash: inquiries that never got their answer are closed, and their payers told, so
   * nobody waits for a bill that will not come.
   */
  function recoverInterruptedInquiries(): number {
    const rows = repos.transactions.withStatus("inquiring");
    if (rows.length === 0) return 0;
    inTransaction(repos.db, () => {
      const now = deps.now();
      for (const tx of rows) {
        repos.transactions.recordInquiryFailure({ ref: tx.ref, provider: null, reason: "unavailable_interrupted", now });
        if (tx.user_id === null) continue;
        const user = repos.users.findById(tx.user_id);
        if (!user) continue;
        const { turn } = loadTurn(user, now, null);
        if (turn.state.ref === tx.ref) {
          afterInquiry(ctx, turn, repos.transactions.get(tx.ref)!);
          commit(turn, true);
        }
      }
    });
    return rows.length;
  }

  return {
    handle,
    recoverInterruptedInquiries,
    /** Resolves when every accepted event has been fully handled (shutdown, tests). */
    idle: () => lock.idle(),
  };
}
export type Engine = ReturnType<typeof createEngine>;
