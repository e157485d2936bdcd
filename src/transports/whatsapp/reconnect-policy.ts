import { backoffMs } from "../../shared/backoff.ts";
/**
 * When to reconnect after WhatsApp closes the socket (pure, so every close reason is unit-tested).
 * Codes are Baileys' DisconnectReason values, copied so this file stays free of Baileys; a test
 * checks they still match.
 */
export const CLOSE_CODES = {
  loggedOut: 401,
  forbidden: 403,
  connectionLost: 408,
  multideviceMismatch: 411,
  connectionClosed: 428,
  connectionReplaced: 440,
  badSession: 500,
  unavailableService: 503,
  restartRequired: 515,
} as const;

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 60_000;
/** Another client keeps taking the session over: fighting it every minute only makes both flap. */
export const REPLACED_BASE_MS = 5 * 60_000;
export const REPLACED_MAX_MS = 30 * 60_000;

export interface CloseHistory {
  /** Closes since the connection was last open, the current one included (1 = first). */
  attempt: number;
  /** connectionReplaced closes in a row, the current one included; any other reason resets it. */
  replacedInARow: number;
}

export const FRESH_HISTORY: CloseHistory = { attempt: 0, replacedInARow: 0 };

export type ReconnectDecision =
  | { action: "reconnect"; delayMs: number; reason: string }
  /** The device was unlinked: forget the session and pair again (a fresh QR or pairing code). */
  | { action: "logout"; delayMs: number; reason: "loggedOut" };

export function reasonName(statusCode: number | undefined): string {
  if (statusCode === undefined) return "unknown";
  for (const [name, code] of Object.entries(CLOSE_CODES)) if (code === statusCode) return name;
  return `status ${statusCode}`;
}

export function recordClose(history: CloseHistory, statusCode: number | undefined): CloseHistory {
  return {
    attempt: history.attempt + 1,
    replacedInARow: statusCode === CLOSE_CODES.connectionReplaced ? history.replacedInARow + 1 : 0,
  };
}

/** An open connection resets the backoff, but not the replaced count: 440 arrives after an open. */
export function recordOpen(history: CloseHistory): CloseHistory {
  return { attempt: 0, replacedInARow: history.replacedInARow };
}

/** 1 s doubling to 60 s, ±25 % jitter so many bots behind one outage do not reconnect in step. */
export function jitteredBackoffMs(attempt: number, random: () => number, baseMs = BACKOFF_BASE_MS, maxMs = BACKOFF_MAX_MS): number {
  const exp = backoffMs(attempt - 1, { firstMs: baseMs, capMs: maxMs });
  return Math.min(maxMs, Math.round(exp * (0.75 + 0.5 * random())));
}

/**
 * `history` must already include this close (see recordClose). Every reason but loggedOut
 * reconnects; restartRequired (normal right after pairing) at once.
 */
export function reconnectDecision(statusCode: number | undefined, history: CloseHistory, random: () => number = Math.random): ReconnectDecision {
  const attempt = Math.max(1, history.attempt);
  if (statusCode === CLOSE_CODES.loggedOut) {
    // The first logout starts pairing at once; a loop of them (should not happen) still backs off.
    return { action: "logout", delayMs: attempt <= 1 ? 0 : jitteredBackoffMs(attempt, random), reason: "loggedOut" };
  }
  if (statusCode === CLOSE_CODES.restartRequired) return { action: "reconnect", delayMs: 0, reason: reasonName(statusCode) };
  if (statusCode === CLOSE_CODES.connectionReplaced && history.replacedInARow >= 2) {
    return {
      action: "reconnect",
      delayMs: jitteredBackoffMs(history.replacedInARow - 1, random, REPLACED_BASE_MS, REPLACED_MAX_MS),
      reason: reasonName(statusCode),
    };
  }
  return { action: "reconnect", delayMs: jitteredBackoffMs(attempt, random), reason: reasonName(statusCode) };
}
