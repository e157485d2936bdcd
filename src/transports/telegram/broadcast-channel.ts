import type { BroadcastChannel } from "../../admin/broadcast/channel.ts";
import type { MessageSender } from "../../domain/delivery/message-sender.ts";

/**
 * Broadcast delivery on Telegram (docs/delivery.md): the same sender as payer messages, over an
 * Api whose calls are paced as broadcasts; its SendErrors are the runner's vocabulary already.
 */
export function createTelegramBroadcastChannel(deps: {
  /** A Telegram sender over the broadcast Api (paced by the flood control). */
  sender: MessageSender;
  inFlight: number;
}): BroadcastChannel {
  return {
    inFlight: deps.inFlight,
    async send(address, html) {
      await deps.sender.send(address, { text: html }, null);
    },
  };
}
