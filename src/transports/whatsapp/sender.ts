import type { OutboundMessage } from "../../domain/messages.ts";
import type { MessageSender } from "../../domain/delivery/message-sender.ts";
import { SendError } from "../../domain/delivery/send-error.ts";
import { isPrivateChat } from "./jid.ts";
import { renderWhatsapp } from "./render.ts";
import type { WhatsappContent, WhatsappSocket } from "./socket.ts";
import { qrPng } from "../qr-image.ts";

/** A picture (a QRIS code) goes as an image with the text as its caption; PNG said so, or clients take it for JPEG. */
async function contentOf(message: OutboundMessage, text: string): Promise<WhatsappContent> {
  if (message.image === undefined) return { text };
  try {
    return { image: await qrPng(message.image.payload), caption: text, mimetype: "image/png" };
  } catch {
    // A QR that cannot be drawn: the words still reach the payer.
    return { text };
  }
}

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
      const sent = await sock.sendMessage(address, await contentOf(message, renderWhatsapp(message, deps.footer(address))));
      return sent?.key.id ?? null;
    },
  };
}
