import type { Logger } from "pino";
import type { GroupCommitter } from "../db/group-commit.ts";
import type { Repos } from "../db/repos.ts";
import { OPEN_STATUSES, type TxStatus } from "../db/transactions-repo.ts";
import type { UserRow } from "../db/users-repo.ts";
import type { Translate } from "../i18n.ts";
import { formatRupiah } from "../domain/money.ts";
import type { Notifier } from "../domain/notifier.ts";
import type { PaymentService } from "../domain/payments/payment-service.ts";
import { NOT_RECEIVED_GRACE_MS } from "../domain/payments/status-check-schedule.ts";

/** No single credit an admin makes is larger than this, confirmed or not (a typo's extra zeros). */
export const ADMIN_CREDIT_MAX = 100_000_000;

/** A credit an admin makes: a top-up, a positive correction, or the approval of a payer's /isi request. */
export interface CreditAction {
  kind: "credit";
  creditKind: "topup" | "correction";
  userId: number;
  amount: number;
  note: string | null;
  /** The payer's /isi request this credit approves, decided only once confirmed. */
  requestId?: number;
}

export type ResolveOutcome =
  /** Not a payment that is waiting (unknown ref, or already settled): nothing changed. */
  | { kind: "not_open"; status: TxStatus | null }
  /** Its pay request may still be on its way to the provider: nothing changed. */
  | { kind: "in_flight" }
  /** Settled by this verdict (`applied`), or found settled meanwhile (not applied); `status` is what it was before. */
  | { kind: "resolved"; applied: boolean; status: TxStatus };

export type CreditOutcome = { kind: "already_decided" } | { kind: "credited"; user: UserRow; amount: number; balance: number };

/** Where an admin acted from, for the audit: the chat leaves it out (as it always has), the dashboard says so. */
export type ActionSource = "chat" | "dashboard";

/**
 * The admin actions both the chat commands (admin-handler.ts) and the dashboard (src/dashboard)
 * take, so they share one code path (docs/dashboard.md#actions): settling a waiting payment by hand,
 * and crediting a payer — including approving or rejecting an /isi request. Each runs inside the
 * caller's commit, writes its audit row with the admin's identity, and returns what happened as a
 * value; each caller says it in its own words.
 */
export function createAdminActions(deps: {
  repos: Repos;
  payments: PaymentService;
  notifier: Notifier;
  t: Translate;
  log: Logger;
  topupConfirmAbove: number;
  /** The caller's group committer: what a credit wakes runs only once the credit is committed. */
  commits?: Pick<GroupCommitter, "afterCommit">;
  /** Money came in for a person (docs/reminders.md): their auto-payments waiting for it run now. */
  balanceCredited?: (userId: number) => void;
}) {
  const { repos, t } = deps;
  const via = (source: ActionSource) => (source === "dashboard" ? { via: "dashboard" } : {});

  /**
   * `/resolve <ref> paid|failed`: the same settlement path as the reconciler (one refund at most,
   * the payer told once), refused while the pay request may still be in flight.
   */
  function resolvePayment(actor: string, ref: string, verdict: "paid" | "failed", now: number, source: ActionSource = "chat"): ResolveOutcome {
    const tx = repos.transactions.get(ref);
    if (!tx || !OPEN_STATUSES.includes(tx.status)) return { kind: "not_open", status: tx?.status ?? null };
    // A pay request may still be on its way: a verdict now could refund a payment the provider is making.
    // Judged by the request's own time, whatever the status: restart recovery moves `paying` rows on at once.
    if ((tx.pay_started_at ?? 0) + (tx.pay_timeout_ms ?? 0) + NOT_RECEIVED_GRACE_MS > now) return { kind: "in_flight" };
    const applied =
      verdict === "paid"
        ? deps.payments.settle(ref, { kind: "confirmed_paid" }, `admin:${actor}`)
        : deps.payments.settle(ref, { kind: "failed", reason: "manual" }, `admin:${actor}`);
    repos.audit.record(actor, "resolve", { ref, verdict, applied, ...via(source) }, now);
    return { kind: "resolved", applied, status: tx.status };
  }

  /**
   * Every credit an admin makes follows one rule: refused above ADMIN_CREDIT_MAX, confirmed first
   * above TOPUP_CONFIRM_ABOVE, made at once otherwise.
   */
  function creditRule(amount: number): "too_large" | "confirm" | "apply" {
    if (amount > ADMIN_CREDIT_MAX) return "too_large";
    if (amount > deps.topupConfirmAbove) return "confirm";
    return "apply";
  }

  /** One ledger entry by an admin, audited, the payer told. */
  function credit(
    actor: string,
    userId: number,
    amount: number,
    kind: "topup" | "correction",
    note: string | null,
    now: number,
    source: ActionSource = "chat",
  ): { user: UserRow; balance: number } {
    const user = repos.users.findById(userId)!;
    repos.ledger.post({ userId, amount, kind, actor, note: note ?? undefined, now });
    repos.audit.record(actor, kind, { user: user.public_id, amount, note, ...via(source) }, now);
    const balance = repos.ledger.balance(userId);
    deps.notifier.toUser(userId, (locale) => ({
      text: t(locale, kind === "topup" ? "admin.payer_topped_up" : "admin.payer_corrected", { amount: formatRupiah(amount), balance: formatRupiah(balance) }),
    }));
    deps.log.info({ actor, user: user.public_id, amount, kind }, "admin ledger entry");
    const wake = deps.balanceCredited;
    // Once committed (never if it rolls back): an auto-payment waiting for this money runs now, not at the next tick.
    if (amount > 0 && wake !== undefined && deps.commits?.afterCommit(() => wake(userId)) !== true) wake(userId);
    return { user, balance };
  }

  /** Makes a credit already past its rule (and confirmation); an /isi approval is a compare-and-set, so two admins credit it once. */
  function applyCredit(actor: string, action: CreditAction, now: number, source: ActionSource = "chat"): CreditOutcome {
    if (action.requestId !== undefined && !repos.topupRequests.decide(action.requestId, "approved", actor, now)) return { kind: "already_decided" };
    const { user, balance } = credit(actor, action.userId, action.amount, action.creditKind, action.note, now, source);
    return { kind: "credited", user, amount: action.amount, balance };
  }

  /** The credit that approving /isi request `id` makes, or why there is none. */
  function approvalOf(id: number): { kind: "not_found" } | { kind: "already_decided" } | { kind: "credit"; action: CreditAction } {
    const request = repos.topupRequests.get(id);
    if (!request) return { kind: "not_found" };
    if (request.status !== "pending") return { kind: "already_decided" };
    return {
      kind: "credit",
      action: { kind: "credit", creditKind: "topup", userId: request.user_id, amount: request.amount, note: `request #${request.id}`, requestId: request.id },
    };
  }

  /** Rejects /isi request `id` (a compare-and-set), audited, the payer told. */
  function rejectRequest(actor: string, id: number, now: number, source: ActionSource = "chat"): "not_found" | "already_decided" | "rejected" {
    const request = repos.topupRequests.get(id);
    if (!request) return "not_found";
    if (request.status !== "pending" || !repos.topupRequests.decide(id, "rejected", actor, now)) return "already_decided";
    repos.audit.record(actor, "topup_request_rejected", { request: request.id, ...via(source) }, now);
    deps.notifier.toUser(request.user_id, (locale) => ({ text: t(locale, "admin.payer_request_rejected", { amount: formatRupiah(request.amount) }) }));
    return "rejected";
  }

  return { resolvePayment, creditRule, credit, applyCredit, approvalOf, rejectRequest };
}
export type AdminActions = ReturnType<typeof createAdminActions>;
