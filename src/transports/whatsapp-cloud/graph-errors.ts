import { GraphApiError, GraphUnreachableError } from "./graph-client.ts";

/**
 * What a failed Graph call means for the message (docs/whatsapp-cloud.md#errors), judged on Meta's
 * error `code` (Meta says not to rely on the HTTP status). The code meanings are Meta's error-code
 * reference; which path (synchronous or a failed status) each takes is not documented by Meta.
 */
export type Verdict =
  /** 131047: more than 24 hours since the person last wrote; only a template may go. */
  | { kind: "window_closed"; detail: string }
  /** 132xxx: the template is missing, not approved in that language, paused, or its parameters wrong. */
  | { kind: "template_refused"; detail: string }
  /** 130429 (the number's throughput), 131056 (too many to this person), 80007 / 4 (API call limits). */
  | { kind: "throttled"; scope: "number" | "pair"; detail: string }
  /** 190 expired token, 0 auth, 10 / 200–299 permissions: an operator must act. */
  | { kind: "token"; detail: string }
  /** 131048 spam limit, 131031 locked, 368 / 130497 restricted, 131042 payment method: the account is held back. */
  | { kind: "account"; detail: string }
  /** Meta is out of reach or down (network, 5xx without a body, 2, 131016, 131057 maintenance). */
  | { kind: "unreachable"; detail: string; retryMs: number }
  /** This message will never go: not on WhatsApp, invalid parameters, unsupported content. */
  | { kind: "permanent"; detail: string }
  /** Anything else (1, 131000 unknown): try again, a counted attempt. */
  | { kind: "transient"; detail: string };

const THROTTLED_NUMBER = new Set([130429, 80007, 4]);
const TOKEN = new Set([190, 0, 10]);
const ACCOUNT = new Set([131048, 131031, 368, 130497, 131042]);
const DOWN = new Set([2, 131016]);
const TRANSIENT = new Set([1, 131000]);

export function verdictOf(err: unknown): Verdict {
  if (err instanceof GraphUnreachableError) return { kind: "unreachable", detail: err.message, retryMs: 15_000 };
  if (!(err instanceof GraphApiError)) return { kind: "transient", detail: err instanceof Error ? err.message : String(err) };
  const { code, details } = err;
  const detail = code === null ? details : `#${code} ${details}`;
  if (code === 131047) return { kind: "window_closed", detail };
  if (code !== null && code >= 132000 && code < 133000) return { kind: "template_refused", detail };
  if (code === 131056) return { kind: "throttled", scope: "pair", detail };
  if (code !== null && THROTTLED_NUMBER.has(code)) return { kind: "throttled", scope: "number", detail };
  if (code !== null && (TOKEN.has(code) || (code >= 200 && code <= 299))) return { kind: "token", detail };
  if (code === null && err.httpStatus === 401) return { kind: "token", detail };
  if (code !== null && ACCOUNT.has(code)) return { kind: "account", detail };
  if (code === 131057) return { kind: "unreachable", detail, retryMs: 60_000 };
  if (code !== null && DOWN.has(code)) return { kind: "unreachable", detail, retryMs: 15_000 };
  if (code !== null && TRANSIENT.has(code)) return { kind: "transient", detail };
  if (err.httpStatus === 429) return { kind: "throttled", scope: "number", detail };
  if (err.httpStatus >= 500) return { kind: "unreachable", detail, retryMs: 15_000 };
  // 131026 undeliverable, 131030 not an allowed test recipient, 100 / 131008 / 131009 bad parameters, and the rest.
  return { kind: "permanent", detail };
}
