import { choiceIds } from "../domain/conversation/choice-ids.ts";
import type { Logger } from "pino";
import type { GroupCommitter } from "../db/group-commit.ts";
import type { Repos } from "../db/repos.ts";
import type { Translate } from "../i18n.ts";
import type { AdminHandler } from "../domain/conversation/context.ts";
import type { ParsedChoice } from "../domain/conversation/choice-ids.ts";
import type { AdminCommand } from "../domain/conversation/commands.ts";
import type { Turn } from "../domain/conversation/turn.ts";
import { formatRupiah, readRupiah } from "../domain/money.ts";
import { ambiguousAmountText } from "../domain/amount-hint.ts";
import type { Notifier } from "../domain/notifier.ts";
import type { PaymentService } from "../domain/payments/payment-service.ts";
import { isProductId, PRODUCT_IDS } from "../domain/products.ts";
import { looksLikeRef } from "../domain/ref.ts";
import { productLabel, txLine } from "../domain/render.ts";
import { formatWib, startOfWibDay, startOfWibMonth } from "../domain/wib-time.ts";
import { z } from "zod";
import { resolveUserArg } from "./resolve-user.ts";
import type { BroadcastCommands } from "./broadcast/broadcast-commands.ts";
import { readJson } from "../shared/json.ts";
import { ADMIN_CREDIT_MAX, createAdminActions, type CreditAction } from "./admin-actions.ts";
import { LOGIN_LINK_TTL_MS, type DashboardLinks } from "../dashboard/login-links.ts";
import { orderLine } from "../domain/topups/topup-render.ts";
import { reminderCounts } from "../domain/reminders/reminder-stats.ts";

const pendingAction = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("credit"),
    creditKind: z.enum(["topup", "correction"]),
    userId: z.number().int(),
    amount: z.number().int().positive(),
    note: z.string().nullable(),
    /** The payer's /isi request this credit approves, decided only once confirmed. */
    requestId: z.number().int().optional(),
  }),
  z.object({ kind: z.literal("broadcast"), id: z.number().int() }),
]);

/** Admin commands (README: Operating it). Only reached for admins; every action is audited (docs/money.md#admin-credits). */
export function createAdminHandler(deps: {
  repos: Repos;
  payments: PaymentService;
  notifier: Notifier;
  t: Translate;
  now: () => number;
  topupConfirmAbove: number;
  log: Logger;
  broadcast: BroadcastCommands;
  /** One-time dashboard links for /dashboard; null when the dashboard is off (docs/dashboard.md#login). */
  dashboard?: DashboardLinks | null;
  /** A payment gateway is configured: /stats counts its top-ups even when there are none yet. */
  gatewayTopups?: boolean;
  /** With `balanceCredited`: a credit wakes the person's waiting auto-payments once committed (admin-actions.ts). */
  commits?: Pick<GroupCommitter, "afterCommit">;
  balanceCredited?: (userId: number) => void;
}): AdminHandler {
  const { repos, t } = deps;
  // The actions the dashboard takes too: one code path for both (admin-actions.ts).
  const actions = createAdminActions(deps);

  function credit(turn: Turn, userId: number, amount: number, kind: "topup" | "correction", note: string | null): void {
    const { user, balance } = actions.credit(turn.actor, userId, amount, kind, note, turn.now);
    turn.say(t(turn.locale, "admin.credited", { user: user.public_id, amount: formatRupiah(amount), balance: formatRupiah(balance) }));
  }

  /**
   * Every credit an admin makes — /topup, a positive /koreksi, approving an /isi request — follows
   * one rule: refused above ADMIN_CREDIT_MAX, asked to confirm above TOPUP_CONFIRM_ABOVE.
   */
  function requestCredit(turn: Turn, action: CreditAction): void {
    const l = turn.locale;
    const user = repos.users.findById(action.userId)!;
    const rule = actions.creditRule(action.amount);
    if (rule === "too_large") {
      turn.say(t(l, "admin.credit_too_large", { max: formatRupiah(ADMIN_CREDIT_MAX) }));
      return;
    }
    if (rule === "confirm") {
      turn.state = { ...turn.state, step: "admin_confirm", pendingAction: JSON.stringify(action) };
      turn.say(t(l, "admin.topup_confirm", { user: user.public_id, amount: formatRupiah(action.amount) }), [
        [
          { id: choiceIds.adminYes(), label: t(l, "admin.yes_button") },
          { id: choiceIds.adminNo(), label: t(l, "admin.no_button") },
        ],
      ]);
      return;
    }
    applyCredit(turn, action);
  }

  function applyCredit(turn: Turn, action: CreditAction): void {
    // A compare-and-set for an /isi approval: two admins approving the same request credit it once.
    const done = actions.applyCredit(turn.actor, action, turn.now);
    if (done.kind === "already_decided") {
      turn.say(t(turn.locale, "admin.request_already_decided"));
      return;
    }
    turn.say(t(turn.locale, "admin.credited", { user: done.user.public_id, amount: formatRupiah(done.amount), balance: formatRupiah(done.balance) }));
  }

  /** /stats: reminders sent, auto-payments made, failed and skipped (docs/reminders.md#counts). */
  function remindersLine(turn: Turn): string {
    const { today, month } = reminderCounts(repos.stats, turn.now);
    return t(turn.locale, "admin.stats_reminders", {
      todayReminders: today.remindersSent,
      monthReminders: month.remindersSent,
      made: month.autopayMade,
      failed: month.autopayFailed,
      skipped: month.autopaySkipped,
      todayMade: today.autopayMade,
      todayFailed: today.autopayFailed,
      todaySkipped: today.autopaySkipped,
    });
  }

  function command(turn: Turn, name: AdminCommand, args: string[], rest: string): void {
    const l = turn.locale;
    switch (name) {
      case "broadcast":
        deps.broadcast.draft(turn, rest);
        return;
      case "approve":
      case "reject": {
        // The typed form of the approve/reject buttons, for platforms without buttons.
        const id = /^\d{1,12}$/.test(args[0] ?? "") ? Number(args[0]) : null;
        if (id === null || !decideTopup(turn, id, name === "approve")) turn.say(t(l, "admin.decide_usage"));
        return;
      }
      case "dashboard": {
        // A one-time link to the dashboard, tied to this admin's platform id (docs/dashboard.md#login).
        const ev = turn.event;
        if (!deps.dashboard || ev === null) {
          turn.say(t(l, "dashboard.chat_off"));
          return;
        }
        const url = deps.dashboard.issue({ platform: ev.platform, externalId: ev.userId, actor: turn.actor, locale: l }, turn.now);
        const minutes = LOGIN_LINK_TTL_MS / 60_000;
        turn.replies.push({ text: t(l, "dashboard.chat_link", { url, minutes }), afterSent: t(l, "dashboard.chat_link_sent", { minutes }) });
        return;
      }
      case "broadcast_status":
      case "broadcast_pause":
      case "broadcast_resume":
      case "broadcast_cancel":
        deps.broadcast.control(turn, name.slice("broadcast_".length) as "status");
        return;
      case "topup": {
        const user = resolveUserArg(repos, args[0]);
        const reading = args[1] === undefined ? null : readRupiah(args[1]);
        if (reading?.ok === false && reading.problem === "ambiguous") {
          turn.say(ambiguousAmountText(t, l, args[1] ?? ""));
          return;
        }
        const amount = reading?.ok === true ? reading.amount : null;
        if (!user || amount === null) {
          turn.say(t(l, user ? "admin.topup_usage" : args[0] === undefined ? "admin.topup_usage" : "admin.user_not_found"));
          return;
        }
        const note = args.slice(2).join(" ") || null;
        requestCredit(turn, { kind: "credit", creditKind: "topup", userId: user.id, amount, note });
        return;
      }
      case "correct": {
        const user = resolveUserArg(repos, args[0]);
        const reading = args[1] === undefined ? null : readRupiah(args[1], { signed: true });
        if (reading?.ok === false && reading.problem === "ambiguous") {
          turn.say(ambiguousAmountText(t, l, args[1] ?? ""));
          return;
        }
        const amount = reading?.ok === true ? reading.amount : null;
        const note = args.slice(2).join(" ");
        if (!user || amount === null || note.length === 0) {
          turn.say(t(l, args[0] !== undefined && !user ? "admin.user_not_found" : "admin.correct_usage"));
          return;
        }
        if (repos.ledger.balance(user.id) + amount < 0) {
          turn.say(t(l, "admin.would_go_negative", { balance: formatRupiah(repos.ledger.balance(user.id)) }));
          return;
        }
        // Taking money back needs no confirm (it cannot go below zero); giving it does, like any credit.
        if (amount > 0) requestCredit(turn, { kind: "credit", creditKind: "correction", userId: user.id, amount, note });
        else credit(turn, user.id, amount, "correction", note);
        return;
      }
      case "user": {
        const user = resolveUserArg(repos, args[0]);
        if (!user) {
          turn.say(t(l, "admin.user_not_found"));
          return;
        }
        const ids = repos.users
          .identitiesOf(user.id)
          .map((i) => `${i.platform}:${i.external_id}`)
          .join(", ");
        const orders = repos.topupOrders.recentForUser(user.id, 5);
        turn.say(
          t(l, "admin.user_info", {
            id: user.public_id,
            ids,
            balance: formatRupiah(repos.ledger.balance(user.id)),
            locale: user.locale ?? "-",
            blocked: user.blocked ? "✓" : "-",
            optOut: user.broadcast_opt_out ? "✓" : "-",
            lastSeen: formatWib(user.last_seen_at),
          }) + (orders.length === 0 ? "" : `\n\n${[t(l, "topups.user_orders"), ...orders.map((o) => orderLine(t, l, o))].join("\n")}`),
        );
        repos.audit.record(turn.actor, "view_user", { user: user.public_id }, turn.now);
        return;
      }
      case "tx": {
        const tx = args[0] !== undefined && looksLikeRef(args[0]) ? repos.transactions.get(args[0].toUpperCase()) : undefined;
        if (!tx) {
          turn.say(t(l, "admin.tx_not_found"));
          return;
        }
        const owner = tx.user_id === null ? "operator" : (repos.users.findById(tx.user_id)?.public_id ?? "-");
        turn.say(
          t(l, "admin.tx_info", {
            line: txLine(t, l, tx),
            owner,
            provider: tx.provider ?? "-",
            trId: tx.provider_tr_id ?? "-",
            providerRef: tx.provider_ref ?? "-",
            reason: [tx.failure_reason, tx.failure_code, tx.failure_message, tx.review_reason].filter(Boolean).join(" / ") || "-",
            checks: tx.check_attempts,
          }),
        );
        repos.audit.record(turn.actor, "view_tx", { ref: tx.ref }, turn.now);
        return;
      }
      case "pending": {
        const rows = [
          ...repos.transactions.withStatus("paying"),
          ...repos.transactions.withStatus("pending"),
          ...repos.transactions.withStatus("needs_review"),
        ];
        turn.say(
          rows.length === 0
            ? t(l, "admin.pending_none")
            : [t(l, "admin.pending_title", { count: rows.length }), ...rows.slice(0, 30).map((r) => txLine(t, l, r))].join("\n"),
        );
        return;
      }
      case "resolve": {
        const ref = args[0]?.toUpperCase();
        const verdict = args[1]?.toLowerCase();
        if (ref === undefined || !looksLikeRef(ref) || (verdict !== "paid" && verdict !== "failed")) {
          turn.say(t(l, "admin.resolve_usage"));
          return;
        }
        // The same settlement path as the reconciler (one refund at most, the payer told once), shared with the dashboard.
        const outcome = actions.resolvePayment(turn.actor, ref, verdict, turn.now);
        if (outcome.kind === "not_open") turn.say(t(l, "admin.resolve_not_open", { status: outcome.status ? t(l, `status.${outcome.status}`) : "-" }));
        else if (outcome.kind === "in_flight") turn.say(t(l, "admin.resolve_in_flight", { ref }));
        else turn.say(t(l, outcome.applied ? "admin.resolved" : "admin.resolve_not_open", { ref, verdict, status: t(l, `status.${outcome.status}`) }));
        return;
      }
      case "stats": {
        const today = repos.stats.paidSince(startOfWibDay(turn.now));
        const month = repos.stats.paidSince(startOfWibMonth(turn.now));
        const topupsToday = repos.topupOrders.creditedSince(startOfWibDay(turn.now));
        const topupsMonth = repos.topupOrders.creditedSince(startOfWibMonth(turn.now));
        const topups =
          deps.gatewayTopups === true || topupsMonth.count > 0
            ? `\n${t(l, "topups.stats", {
                todayCount: topupsToday.count,
                todayAmount: formatRupiah(topupsToday.amount),
                monthCount: topupsMonth.count,
                monthAmount: formatRupiah(topupsMonth.amount),
              })}`
            : "";
        turn.say(
          t(l, "admin.stats", {
            todayCount: today.count,
            todayVolume: formatRupiah(today.volume),
            todayMargin: formatRupiah(today.margin),
            monthCount: month.count,
            monthVolume: formatRupiah(month.volume),
            monthMargin: formatRupiah(month.margin),
            pending: repos.stats.openCount(),
          }) +
            topups +
            `\n${remindersLine(turn)}`,
        );
        return;
      }
      case "product": {
        const mode = args[0]?.toLowerCase();
        const product = args[1]?.toLowerCase();
        if ((mode !== "on" && mode !== "off") || product === undefined || !isProductId(product)) {
          turn.say(t(l, "admin.product_usage", { products: PRODUCT_IDS.join(", ") }));
          return;
        }
        repos.productSwitches.set(product, mode === "on", turn.actor, turn.now);
        repos.audit.record(turn.actor, "product_switch", { product, enabled: mode === "on" }, turn.now);
        turn.say(t(l, mode === "on" ? "admin.product_on" : "admin.product_off", { product: productLabel(t, l, product) }));
        return;
      }
    }
  }

  function choice(turn: Turn, parsed: ParsedChoice): boolean {
    const l = turn.locale;
    if (parsed.kind === "admin_yes" || parsed.kind === "admin_no") {
      const raw = turn.state.step === "admin_confirm" ? turn.state.pendingAction : undefined;
      turn.state = { ...turn.state, step: "idle", pendingAction: undefined };
      if (raw === undefined) return false;
      if (parsed.kind === "admin_no") {
        turn.say(t(l, "admin.cancelled"));
        return true;
      }
      const action = pendingAction.safeParse(readJson(raw));
      if (!action.success) return false;
      if (action.data.kind === "broadcast") {
        deps.broadcast.confirm(turn, action.data.id);
        return true;
      }
      if (!repos.users.findById(action.data.userId)) return false;
      applyCredit(turn, action.data);
      return true;
    }
    if (parsed.kind === "topup_decision") return decideTopup(turn, parsed.id, parsed.approve);
    return false;
  }

  /** Approves or rejects a payer's /isi request; a compare-and-set, so two admins cannot both credit it. */
  function decideTopup(turn: Turn, id: number, approve: boolean): boolean {
    const l = turn.locale;
    if (approve) {
      const approval = actions.approvalOf(id);
      if (approval.kind === "not_found") return false;
      if (approval.kind === "already_decided") turn.say(t(l, "admin.request_already_decided"));
      else requestCredit(turn, approval.action);
      return true;
    }
    const rejected = actions.rejectRequest(turn.actor, id, turn.now);
    if (rejected === "not_found") return false;
    turn.say(t(l, rejected === "rejected" ? "admin.request_rejected" : "admin.request_already_decided"));
    return true;
  }

  return { command, choice };
}
