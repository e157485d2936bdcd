import type { OutboundMessage } from "../domain/messages.ts";

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&#x2F;": "/" };

/**
 * The engine writes a small HTML subset with every value escaped. Platforms without HTML get
 * plain text: tags become the platform's own emphasis (WhatsApp `*bold*`) or nothing, and
 * entities are decoded last, so an escaped `&lt;b&gt;` in a name stays literal text.
 */
export function htmlToPlain(html: string, style: { bold: [string, string]; italic: [string, string]; code: [string, string] }): string {
  return html
    .replace(/<b>/g, style.bold[0])
    .replace(/<\/b>/g, style.bold[1])
    .replace(/<i>/g, style.italic[0])
    .replace(/<\/i>/g, style.italic[1])
    .replace(/<code>/g, style.code[0])
    .replace(/<\/code>/g, style.code[1])
    .replace(/&(lt|gt|amp|quot|#39|#x2F);/g, (m) => ENTITIES[m] ?? m);
}

/**
 * Choices as numbered lines ("1. BPJS Kesehatan"), answered by typing the number. Only a message
 * that became the payer's current menu (it has a nonce) gets numbers: a typed "1" always means the
 * current menu, so a notice's choices (an admin's approve/reject) are not numbered — it says in
 * words what to type instead.
 */
export function numberedChoices(message: OutboundMessage): string[] {
  if (message.nonce === undefined) return [];
  const flat = message.choices?.flat() ?? [];
  return flat.map((c, i) => `${i + 1}. ${c.label}`);
}
