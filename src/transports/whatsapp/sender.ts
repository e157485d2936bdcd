import type { OutboundMessage } from "../../domain/messages.ts";
import { PermanentSendError, PlatformUnavailableError, type MessageSender } from "../../domain/outbox-sender.ts";
import { isPrivateChat } from "./jid.ts";
import { renderWhatsapp } from "./render.ts";
import type { WhatsappSocket } from "./socket.ts";

/** Raised while the socket is not open: the outbox postpones the message without using up an attempt. */
export class WhatsappNotConnectedError extends PlatformUnavailableError {
  override name = "WhatsappNotConnectedError";
  constructor() {
    super("WhatsApp is not connected", 15_000);
  }
}

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
      if (!isPrivateChat(address)) throw new PermanentSendError("not a private WhatsApp chat address");
      const sock = deps.socket();
      if (sock === null) throw new WhatsappNotConnectedError();
      const sent = await sock.sendMessage(address, { text: renderWhatsapp(message, deps.footer(address)) });
      return sent?.key.id ?? null;
    },
  };
}
