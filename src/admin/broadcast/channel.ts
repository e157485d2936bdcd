/**
 * How a platform delivers one broadcast message. The platform decides its own pacing (Telegram's
 * budget, WhatsApp's slow jittered delay); the runner decides order, concurrency and states. A send
 * that fails throws a SendError (docs/delivery.md): blocked, retry_after (nothing was sent),
 * account_limited (pause the broadcast) or anything else (failed: at most once per recipient).
 */
export interface BroadcastChannel {
  /** How many sends may be in flight at once on this platform. */
  readonly inFlight: number;
  /**
   * Sends `html` (escaped safe HTML) to one address; resolves with the platform's id for the message
   * where a later report may name it (WhatsApp Cloud's `failed` status), else nothing.
   */
  send(address: string, html: string): Promise<string | void>;
  /** Whether another message may go out today (WhatsApp's daily cap). */
  underDailyCap?(sentToday: number): boolean;
}
