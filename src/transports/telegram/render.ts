import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { OutboundMessage } from "../../domain/messages.ts";
import { fitHtml } from "../../domain/fit-text.ts";
import { htmlToPlain } from "../plain-text.ts";

/** Telegram's limit on a message's text, counted after entities are parsed. */
export const MAX_MESSAGE_LENGTH = 4096;

/** Telegram's limit on a photo's caption, counted the same way. */
export const MAX_CAPTION_LENGTH = 1024;

/** Telegram's limit on callback_data, in bytes. */
export const MAX_CALLBACK_BYTES = 64;

/**
 * `<nonce>|<choice id>`: the nonce of the menu that offered the button (empty for buttons that
 * name their own subject, such as an admin's approve button) and the engine's choice id. Callback
 * data comes back from the payer's client, so it is parsed strictly; the engine checks it again.
 */
const CALLBACK_DATA = /^(0|[1-9][0-9]{0,9})?\|([A-Za-z0-9][A-Za-z0-9:_-]{0,61})$/;

export class CallbackDataTooLongError extends Error {
  constructor(readonly data: string) {
    super(`callback data over ${MAX_CALLBACK_BYTES} bytes: ${data}`);
    this.name = "CallbackDataTooLongError";
  }
}

export function encodeCallbackData(nonce: number | undefined, choiceId: string): string {
  const data = `${nonce ?? ""}|${choiceId}`;
  if (Buffer.byteLength(data, "utf8") > MAX_CALLBACK_BYTES || decodeCallbackData(data) === null) throw new CallbackDataTooLongError(data);
  return data;
}

export function decodeCallbackData(data: string): { choiceId: string; nonce?: number } | null {
  if (Buffer.byteLength(data, "utf8") > MAX_CALLBACK_BYTES) return null;
  const m = CALLBACK_DATA.exec(data);
  if (!m) return null;
  const nonce = m[1] === undefined ? undefined : Number(m[1]);
  if (nonce !== undefined && !Number.isSafeInteger(nonce)) return null;
  return nonce === undefined ? { choiceId: m[2]! } : { choiceId: m[2]!, nonce };
}

const NO_TAGS = { bold: ["", ""], italic: ["", ""], code: ["", ""] } as { bold: [string, string]; italic: [string, string]; code: [string, string] };

/** Plain text of the engine's safe HTML, for the fallback when Telegram refuses to parse a message. */
export function plainText(html: string): string {
  return htmlToPlain(html, NO_TAGS);
}

export interface RenderedMessage {
  /** Already-safe HTML from the engine, sent as is with parse_mode HTML. */
  text: string;
  reply_markup?: InlineKeyboardMarkup;
}

/** An OutboundMessage as Telegram HTML text (a photo's caption when it has a picture) plus an inline keyboard, one row per choice row. */
export function renderMessage(message: OutboundMessage): RenderedMessage {
  const rows: InlineKeyboardButton[][] = (message.choices ?? [])
    .map((row) => row.map((c) => ({ text: c.label, callback_data: encodeCallbackData(message.nonce, c.id) })))
    .filter((row) => row.length > 0);
  const text = fitHtml(message.text, message.image === undefined ? MAX_MESSAGE_LENGTH : MAX_CAPTION_LENGTH);
  return rows.length === 0 ? { text } : { text, reply_markup: { inline_keyboard: rows } };
}
