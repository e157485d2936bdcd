/**
 * How a platform delivers one broadcast message. The platform decides its own pacing (Telegram's
 * shared limiter, WhatsApp's slow jittered delay); the runner decides order, concurrency and states.
 */
export interface BroadcastChannel {
  /** How many sends may be in flight at once on this platform. */
  readonly inFlight: number;
  /** Sends `html` (escaped safe HTML) to one address. Throws one of the errors below, or any other error (failed). */
  send(address: string, html: string): Promise<void>;
  /** Whether another message may go out today (WhatsApp's daily cap). */
  underDailyCap?(sentToday: number): boolean;
}

/** The recipient blocked the bot (Telegram 403): mark them blocked. */
export class RecipientBlockedError extends Error {
  override name = "RecipientBlockedError";
}

/** The platform asked us to slow down and nothing was delivered: the recipient stays pending. */
export class RetryLaterError extends Error {
  override name = "RetryLaterError";
  constructor(
    message: string,
    readonly afterMs: number,
  ) {
    super(message);
  }
}

/** The platform says the account is over its limits (WhatsApp rate-overlimit): pause the broadcast. */
export class StopBroadcastError extends Error {
  override name = "StopBroadcastError";
}
