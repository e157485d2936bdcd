import { RecipientBlockedError, RetryLaterError, type BroadcastChannel } from "../../admin/broadcast/channel.ts";
import { PermanentSendError, type MessageSender } from "../../domain/outbox-sender.ts";
import { TelegramRateLimitedError } from "./sender.ts";

/**
 * Broadcast delivery on Telegram (SPEC §8): the same sender as payer messages, but at broadcast
 * priority, so every announcement waits behind payer traffic in the shared limiter. Its errors
 * become what the broadcast runner acts on.
 */
export function createTelegramBroadcastChannel(deps: {
  /** A Telegram sender created with priority "broadcast". */
  sender: MessageSender;
  inFlight: number;
}): BroadcastChannel {
  return {
    inFlight: deps.inFlight,
    async send(address, html) {
      try {
        await deps.sender.send(address, { text: html }, null);
      } catch (err) {
        if (err instanceof PermanentSendError && err.blocked) throw new RecipientBlockedError(err.message);
        // Still 429 after the capped retries: nothing was delivered, so the recipient stays pending.
        if (err instanceof TelegramRateLimitedError) throw new RetryLaterError(err.message, err.retryAfterMs);
        // Out of reach (network, 5xx): it may have arrived, and a broadcast is at most once: failed.
        throw err;
      }
    },
  };
}
