import type { Transformer } from "grammy";
import { backoffMs } from "../../shared/backoff.ts";
import type { FloodControl, TrafficPriority } from "./flood-control.ts";

export interface CappedRetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** A 429 asking for a longer wait than this is not waited out here: the caller retries later. */
  maxRetryAfterMs: number;
  /** First back-off after a 5xx or a network error; doubles per attempt. */
  baseDelayMs: number;
  /** Milliseconds per second of `retry_after` (1000; tests shrink it so a storm passes quickly). */
  retryAfterUnitMs: number;
}

export const DEFAULT_RETRY: CappedRetryOptions = { maxAttempts: 3, maxRetryAfterMs: 30_000, baseDelayMs: 500, retryAfterUnitMs: 1000 };

/** What one attempt came to, as far as retrying is concerned. */
export type AttemptOutcome = { kind: "ok" } | { kind: "api_error"; code: number; retryAfterSeconds?: number } | { kind: "network" };

export type RetryDecision = { retry: false; pauseMs: number } | { retry: true; delayMs: number; pauseMs: number };

/** Methods that put a message in a chat: what Telegram's limits count. */
const MESSAGE_METHODS = new Set(["sendMessage", "editMessageText", "sendPhoto", "editMessageCaption", "copyMessage", "forwardMessage"]);

/**
 * The retry policy, pure: 429 → pause what it applies to for `retry_after` (capped) and try again
 * after the pause; 5xx and network errors → back off and try again, unless the call must not be
 * repeated (`mayRepeat` false: a 5xx or a lost connection may hide a delivered message, and
 * broadcasts promise at most once per recipient); anything else (400, 403, …) is an answer, not a
 * fault. Never more than `maxAttempts` attempts.
 */
export function decideRetry(outcome: AttemptOutcome, attempt: number, options: CappedRetryOptions, mayRepeat = true): RetryDecision {
  const more = attempt < options.maxAttempts;
  if (outcome.kind === "ok") return { retry: false, pauseMs: 0 };
  if (outcome.kind === "api_error" && outcome.code === 429) {
    const wanted = Math.max(1, outcome.retryAfterSeconds ?? 1) * options.retryAfterUnitMs;
    const pauseMs = Math.min(wanted, options.maxRetryAfterMs);
    // The pause does the waiting (the next attempt waits for it), so the retry itself goes at once.
    if (more && wanted <= options.maxRetryAfterMs) return { retry: true, delayMs: 0, pauseMs };
    return { retry: false, pauseMs };
  }
  const transient = outcome.kind === "network" || outcome.code >= 500;
  if (transient && more && mayRepeat) return { retry: true, delayMs: backoffMs(attempt - 1, { firstMs: options.baseDelayMs, capMs: 30_000 }), pauseMs: 0 };
  return { retry: false, pauseMs: 0 };
}

function chatOf(payload: unknown): string | undefined {
  const chat = (payload as { chat_id?: unknown } | null)?.chat_id;
  return typeof chat === "number" || typeof chat === "string" ? String(chat) : undefined;
}

/**
 * grammY API transformer: every call passes the flood control first (a payer's at once unless a
 * 429 pause applies; a broadcast's when the budget has room), then decideRetry. getUpdates and
 * getMe are left alone: the poller and start-up have their own back-off. Payers and broadcasts
 * call through two Api instances, each with its transformer and priority.
 */
export function floodControlTransformer(
  flood: FloodControl,
  priority: TrafficPriority,
  partial: Partial<CappedRetryOptions> = {},
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Transformer {
  const options = { ...DEFAULT_RETRY, ...partial };
  return async (prev, method, payload, signal) => {
    if (method === "getUpdates" || method === "getMe") return prev(method, payload, signal);
    const chat = chatOf(payload);
    const isMessage = MESSAGE_METHODS.has(method);
    for (let attempt = 1; ; attempt++) {
      const answered = priority === "broadcast" ? await flood.beforeBroadcast(chat, isMessage) : await flood.beforePayer(chat, isMessage);
      let outcome: AttemptOutcome;
      let result: Awaited<ReturnType<typeof prev>> | undefined;
      let thrown: unknown;
      try {
        result = await prev(method, payload, signal);
        outcome = result.ok ? { kind: "ok" } : { kind: "api_error", code: result.error_code, ...retryAfterOf(result.parameters) };
      } catch (err) {
        thrown = err;
        outcome = { kind: "network" };
      } finally {
        answered();
      }
      // Payer messages come from the outbox, which already promises "twice rather than never".
      const decision = decideRetry(outcome, attempt, options, priority !== "broadcast");
      if (decision.pauseMs > 0) flood.on429(chat, decision.pauseMs, priority);
      if (!decision.retry || signal?.aborted === true) {
        if (result !== undefined) return result;
        throw thrown;
      }
      if (decision.delayMs > 0) await sleep(decision.delayMs);
    }
  };
}

function retryAfterOf(parameters: { retry_after?: number } | undefined): { retryAfterSeconds?: number } {
  return parameters?.retry_after === undefined ? {} : { retryAfterSeconds: parameters.retry_after };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
