/**
 * The id of a reply button or list row: `<nonce>|<choice id>`, the nonce of the menu that offered
 * it and the engine's choice id (docs/whatsapp-cloud.md#choices). WhatsApp hands it back when the
 * person taps, so it is parsed strictly, as Telegram's callback data is; the engine then checks the
 * nonce against the menu on screen. Meta allows 256 characters for a button id and 200 for a row
 * id; ours stay far below (choice ids are at most 64).
 */
const REPLY_ID = /^(0|[1-9][0-9]{0,9})\|([A-Za-z0-9][A-Za-z0-9:_-]{0,63})$/;

/** The shorter of Meta's two limits (a list row's id). */
export const MAX_REPLY_ID_LENGTH = 200;

export class ReplyIdError extends Error {
  constructor(readonly id: string) {
    super(`choice id cannot travel as a WhatsApp reply id: ${id}`);
    this.name = "ReplyIdError";
  }
}

export function encodeReplyId(nonce: number, choiceId: string): string {
  const id = `${nonce}|${choiceId}`;
  if (id.length > MAX_REPLY_ID_LENGTH || decodeReplyId(id) === null) throw new ReplyIdError(id);
  return id;
}

export function decodeReplyId(id: string): { nonce: number; choiceId: string } | null {
  if (id.length > MAX_REPLY_ID_LENGTH) return null;
  const m = REPLY_ID.exec(id);
  if (!m) return null;
  const nonce = Number(m[1]);
  return Number.isSafeInteger(nonce) ? { nonce, choiceId: m[2]! } : null;
}
