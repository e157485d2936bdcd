import type { RunRow } from "../../db/reminder-runs-repo.ts";
import type { ConversationContext } from "../conversation/context.ts";
import type { Turn } from "../conversation/turn.ts";
import { billPaidFor, lastMonthlyTotal } from "./reminder-plan.ts";
import { noticeMessage, reminderMessage } from "./reminder-notices.ts";
import { DUE_DAY, wibInstant } from "./schedule-time.ts";

/** What a reminder or notice step came to: sent, ended without a message, or left for a later tick. */
export type MessageStepOutcome = "sent" | "skipped" | "deferred" | "gone";

/**
 * Someone in the middle of a flow (typing a number, on a bill) is not interrupted: a reminder
 * would replace the menu they are answering. Their session expires after its TTL; then it goes.
 */
export function inTheMiddleOfSomething(ctx: ConversationContext, turn: Turn): boolean {
  const step = turn.state.step;
  return step !== "idle" && step !== "choosing_product" && turn.now - turn.state.at < ctx.settings.sessionTtlMs;
}

/**
 * A reminder or the day-before notice of an auto-payment, as one step in the person's queue
 * (engine.act), for a run the scheduler claimed (attempt `attempt`). The run is finished in the
 * step's commit together with the message it writes to the outbox, so either both happened or
 * neither (docs/reminders.md#exactly-once). Conditions that may still change (a payment in
 * progress, the person mid-flow) put the run back to planned for a later tick; conditions that
 * will not (the number deleted, the window closed) end it.
 */
export function sendScheduledMessage(ctx: ConversationContext, turn: Turn, runId: number, attempt: number): MessageStepOutcome {
  const { repos } = ctx;
  const run = repos.reminderRuns.get(runId);
  if (!run || run.status !== "claimed" || run.attempts !== attempt || run.user_id !== turn.user.id || run.kind === "autopay") return "gone";
  const now = turn.now;
  const end = (reason: string): MessageStepOutcome => {
    repos.reminderRuns.finish(run.id, "skipped", reason, now);
    return "skipped";
  };
  const later = (): MessageStepOutcome => {
    repos.reminderRuns.defer(run.id, now);
    return "deferred";
  };
  if (now >= run.deadline_at) return end("late");
  const s = run.saved_number_id === null ? undefined : repos.reminderSettings.get(turn.user.id, run.saved_number_id);
  if (!s) return end("number_removed");
  if (run.kind === "reminder" ? s.reminder !== 1 : s.autopay !== 1) return end("off");
  if (turn.user.blocked === 1) return end("blocked");
  // WhatsApp: only people who have not said /berhenti (docs/reminders.md#whatsapp).
  if (turn.user.platform === "whatsapp" && turn.user.broadcast_opt_out === 1) return end("opted_out");
  if (billPaidFor(repos, s.product, s.number, run.period)) return end("paid");
  if (repos.transactions.openForBill(s.product, s.number)) return later();
  if (inTheMiddleOfSomething(ctx, turn)) return later();
  const message = run.kind === "reminder" ? reminderFor(ctx, turn, run, s) : noticeFor(ctx, turn, run, s);
  turn.say(message.text, message.choices);
  repos.reminderRuns.finish(run.id, "done", null, now, turn.user.platform);
  return "sent";
}

type Setting = NonNullable<ReturnType<ConversationContext["repos"]["reminderSettings"]["get"]>>;

function reminderFor(ctx: ConversationContext, turn: Turn, run: RunRow, s: Setting) {
  return reminderMessage(ctx.t, turn.locale, s, wibInstant(run.period, DUE_DAY[s.product] ?? 1));
}

function noticeFor(ctx: ConversationContext, turn: Turn, run: RunRow, s: Setting) {
  // The notice's window ends when the auto-payment's day begins.
  const estimate = lastMonthlyTotal(ctx.repos, s, turn.now) ?? s.autopay_ceiling ?? 0;
  return noticeMessage(ctx.t, turn.locale, s, { payAt: run.deadline_at, balance: ctx.repos.ledger.balance(turn.user.id), estimate });
}
