import type { OutboundMessage } from "../../domain/messages.ts";
import { fitHtml } from "../../domain/fit-text.ts";
import { htmlToPlain, numberedChoices } from "../plain-text.ts";

/** WhatsApp takes far longer texts; kept to what a phone shows readably, with room for the menu. */
export const MAX_TEXT_LENGTH = 3500;

/** WhatsApp's own emphasis: *bold*, _italic_, ```monospace```. */
const WHATSAPP_STYLE: { bold: [string, string]; italic: [string, string]; code: [string, string] } = {
  bold: ["*", "*"],
  italic: ["_", "_"],
  code: ["```", "```"],
};

/**
 * Buttons do not render reliably on WhatsApp (docs/conversation.md#menus-and-choices), so choices become numbered lines and a
 * footer says to answer with the number; the engine maps a typed "2" onto the second choice.
 */
export function renderWhatsapp(message: OutboundMessage, footer: string): string {
  const parts = [htmlToPlain(fitHtml(message.text, MAX_TEXT_LENGTH), WHATSAPP_STYLE)];
  const choices = numberedChoices(message);
  if (choices.length > 0) parts.push("", ...choices, "", `_${footer}_`);
  return parts.join("\n");
}
