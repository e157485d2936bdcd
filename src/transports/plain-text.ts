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

/** Choices as numbered lines ("1. BPJS Kesehatan"), answered by typing the number. */
export function numberedChoices(message: OutboundMessage): string[] {
  const flat = message.choices?.flat() ?? [];
  return flat.map((c, i) => `${i + 1}. ${c.label}`);
}
