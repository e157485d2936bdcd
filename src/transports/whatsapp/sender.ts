import type { OutboundMessage } from "../../domain/messages.ts";
import type { MessageSender } from "../../domain/delivery/message-sender.ts";
import { SendError } from "../../domain/delivery/send-error.ts";
import { isPrivateChat } from "./jid.ts";
import { renderWhatsapp } from "./render.ts";
import type { WhatsappSocket } from "./socket.ts";

/** While the socket is not open nothing is sent: the outbox postpones the message without using up an attempt. */
export const NOT_CONNECTED_RETRY_MS = 15_000;

/**
 * The outbox's WhatsApp half. It never waits for a connection: while WhatsApp is down the send
 * fails at once and the row is postponed without using up an attempt (and sent as soon as the socket opens).
 * Every message is sent new; WhatsApp edits are not used for tagged messages.
 */
export function createWhatsappSender(deps: {
  /** The open socket, or null while connecting, closed or stopped. */
  socket: () => WhatsappSocket | null;
  /** The recipient's footer text, in their language. */
  footer: (address: string) => string;
}): MessageSender {
  return {
    async send(address: string, message: OutboundMessage) {
      if (!isPrivateChat(address)) throw SendError.permanent("not a private WhatsApp chat address");
      const sock = deps.socket();
      if (sock === null) throw SendError.retryAfter("WhatsApp is not connected", NOT_CONNECTED_RETRY_MS);
      const sent = await sock.sendMessage(address, { text: renderWhatsapp(message, deps.footer(address)) });
      return sent?.key.id ?? null;
    },
  };
}
