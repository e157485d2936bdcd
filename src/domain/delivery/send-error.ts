/**
 * The one vocabulary for "a send failed", shared by the outbox and broadcasts (docs/delivery.md).
 * Transports translate their platform's answers into these; the senders decide what to do:
 *
 * | kind            | means                                        | outbox                  | broadcast        |
 * |-----------------|----------------------------------------------|-------------------------|------------------|
 * | permanent       | this message will never go (bad chat, …)     | given up                | failed           |
 * | blocked         | the person blocked the bot                   | given up, user blocked  | blocked          |
 * | retry_after     | nothing was sent; try after `retryAfterMs`   | postponed, no attempt   | stays pending    |
 * | account_limited | the platform says the account sends too much | postponed, no attempt   | broadcast paused |
 * | unreachable     | the platform is out of reach; maybe it went  | postponed, no attempt   | failed (≤ once)  |
 * | transient       | a fault; it may or may not have arrived      | retried, counted        | failed (≤ once)  |
 *
 * Any other error is treated as transient.
 */
export type SendFailure = "permanent" | "blocked" | "retry_after" | "account_limited" | "unreachable" | "transient";

export class SendError extends Error {
  override name = "SendError";
  constructor(
    readonly kind: SendFailure,
    message: string,
    /** For retry_after, account_limited and unreachable: when to try again. */
    readonly retryAfterMs = 30_000,
  ) {
    super(message);
  }

  static permanent = (message: string) => new SendError("permanent", message);
  static blocked = (message: string) => new SendError("blocked", message);
  static retryAfter = (message: string, ms: number) => new SendError("retry_after", message, ms);
  static accountLimited = (message: string, ms = 30 * 60_000) => new SendError("account_limited", message, ms);
  static unreachable = (message: string, ms: number) => new SendError("unreachable", message, ms);
  static transient = (message: string) => new SendError("transient", message);
}

/** What a failure is, whatever was thrown. */
export function sendFailureOf(err: unknown): SendFailure {
  return err instanceof SendError ? err.kind : "transient";
}
