import type { OutboundMessage } from "../messages.ts";

/** A platform's half of the outbox (docs/delivery.md). Throws SendError for what went wrong. */
export interface MessageSender {
  /**
   * Delivers one message. `replaceMessageId` is the platform id of an earlier message with the
   * same tag, which the sender may edit instead of sending a new one. Returns the platform id.
   */
  send(address: string, message: OutboundMessage, replaceMessageId: string | null): Promise<string | null>;
}
