import { fitHtml, fitPlain } from "../../domain/fit-text.ts";
import { htmlToPlain } from "../plain-text.ts";

/** WhatsApp's own emphasis: *bold*, _italic_, ```monospace``` (as the Baileys transport writes it). */
export const WHATSAPP_STYLE: { bold: [string, string]; italic: [string, string]; code: [string, string] } = {
  bold: ["*", "*"],
  italic: ["_", "_"],
  code: ["```", "```"],
};

/** Length as Meta counts it, in code points (docs/whatsapp-cloud.md#limits). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * The engine's safe HTML as WhatsApp text of at most `limit` code points: shortened, never
 * dropped (fit-text.ts closes what it cuts open). The markup WhatsApp uses (`*`, `_`, ```) takes
 * room the HTML tags did not, so the cut is tightened until the result fits.
 */
export function whatsappText(html: string, limit: number): string {
  let budget = limit;
  for (let i = 0; i < 4 && budget > 0; i++) {
    const plain = htmlToPlain(fitHtml(html, budget), WHATSAPP_STYLE);
    const over = codePoints(plain) - limit;
    if (over <= 0) return plain;
    budget -= over + 8;
  }
  return fitPlain(htmlToPlain(html, WHATSAPP_STYLE), limit);
}

/** Whether the whole of `html` fits in `limit` code points as WhatsApp text (nothing cut). */
export function fitsWhole(html: string, limit: number): boolean {
  return codePoints(htmlToPlain(html, WHATSAPP_STYLE)) <= limit;
}
