/**
 * Every message must reach the payer (docs/delivery.md): a text over a platform's limit is
 * shortened, never dropped. These work on the engine's safe HTML (<b>, <i>, <code> and entities):
 * the limit counts what the payer sees (an entity is one character, a tag none), a cut never
 * splits a tag or an entity, and tags left open are closed.
 */

const TOKEN = /<\/?(?:b|i|code)>|&(?:lt|gt|amp|quot|#39|#x2F);|[\s\S]/gu;
const ELLIPSIS = "…";

/** A tag shows nothing, an entity one character, anything else itself (a surrogate pair counts two). */
function widthOf(token: string): number {
  if (token.length > 1 && token.startsWith("<")) return 0;
  if (token.length > 1 && token.startsWith("&")) return 1;
  return token.length;
}

/** What the payer sees of the engine's HTML, in UTF-16 code units (as Telegram counts). */
export function visibleLength(html: string): number {
  let n = 0;
  for (const m of html.matchAll(TOKEN)) n += widthOf(m[0]);
  return n;
}

/** `html` itself when it fits; otherwise cut (at a line break when one is near) with "…" and open tags closed. */
export function fitHtml(html: string, limit: number): string {
  if (html.length <= limit || visibleLength(html) <= limit) return html;
  const budget = limit - ELLIPSIS.length;
  let seen = 0;
  let end = 0;
  let lastBreak = -1;
  const open: string[] = [];
  let openAtBreak: string[] = [];
  for (const m of html.matchAll(TOKEN)) {
    const token = m[0];
    const isTag = token.length > 1 && token.startsWith("<");
    const width = widthOf(token);
    if (seen + width > budget) break;
    seen += width;
    end = m.index + token.length;
    if (isTag) {
      if (token.startsWith("</")) open.pop();
      else open.push(token.slice(1, -1));
    } else if (token === "\n") {
      lastBreak = m.index;
      openAtBreak = [...open];
    }
  }
  // A line break in the last quarter makes a tidier cut than the middle of a word.
  let cut = end;
  let stillOpen = open;
  if (lastBreak >= 0 && lastBreak >= end * 0.75) {
    cut = lastBreak;
    stillOpen = openAtBreak;
  }
  const closing = [...stillOpen]
    .reverse()
    .map((tag) => `</${tag}>`)
    .join("");
  return `${html.slice(0, cut)}${closing}${ELLIPSIS}`;
}

/** Plain text (a label, a name, a provider's words) cut to `limit` characters with "…". */
export function fitPlain(text: string, limit: number): string {
  const chars = Array.from(text);
  return chars.length <= limit ? text : `${chars.slice(0, Math.max(0, limit - 1)).join("")}${ELLIPSIS}`;
}
