import type { CallbackQuery, Message, Update, User } from "grammy/types";
import { z } from "zod";
import type { InboundEvent } from "../../domain/messages.ts";
import { decodeCallbackData } from "./render.ts";
import { readJson } from "../../shared/json.ts";

/** The update kinds we ask Telegram for; anything else is never delivered. */
export const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;

const chat = z.looseObject({ id: z.number().int(), type: z.string() });
const user = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  language_code: z.string().optional(),
});

/**
 * What we read of an update, checked once at the edge (a webhook body, a stored row). The rest is
 * Telegram's own shape and passes through untouched.
 */
const updateEnvelope = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: z.looseObject({ message_id: z.number().int(), date: z.number(), chat, from: user.optional(), text: z.string().optional() }).optional(),
  callback_query: z
    .looseObject({
      id: z.string(),
      from: user,
      data: z.string().optional(),
      message: z.looseObject({ message_id: z.number().int(), chat }).optional(),
    })
    .optional(),
  my_chat_member: z
    .looseObject({
      chat,
      from: user,
      date: z.number(),
      new_chat_member: z.looseObject({ status: z.string() }),
    })
    .optional(),
});

/** A validated update, or null for anything that is not one. */
export function parseUpdate(value: unknown): Update | null {
  const parsed = updateEnvelope.safeParse(value);
  // Checked above for every field this transport reads; the remainder is Telegram's, as sent.
  return parsed.success ? (parsed.data as Update) : null;
}

export function parseUpdateJson(json: string): Update | null {
  return parseUpdate(readJson(json));
}

/** The key that keeps one chat's updates in order: the chat, or the person when there is none. */
export function chatKeyOf(update: Update): string | null {
  const id = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.callback_query?.from.id ?? update.my_chat_member?.chat.id ?? null;
  return id === null ? null : String(id);
}

function displayName(from: User): string {
  return [from.first_name, from.last_name].filter((p) => p !== undefined && p !== "").join(" ");
}

/**
 * The engine's inbound table de-duplicates on the event's messageId, so a re-delivered update is a
 * no-op. It names what the update carries, not the update: Telegram restarts update_id numbering at
 * random after a week without updates, so a new update can reuse an old update_id, while a message
 * is one per (chat, message_id) and a callback query's id is unique.
 */
export function messageKeyOf(message: Pick<Message, "message_id" | "chat">): string {
  return `msg:${message.chat.id}:${message.message_id}`;
}

export function callbackKeyOf(query: Pick<CallbackQuery, "id">): string {
  return `cbq:${query.id}`;
}

function base(messageId: string, from: User, chatId: number): InboundEvent {
  const event: InboundEvent = {
    platform: "telegram",
    userId: String(from.id),
    address: String(chatId),
    messageId,
    displayName: displayName(from),
  };
  if (from.language_code !== undefined) event.localeHint = from.language_code;
  return event;
}

/**
 * A private message as an engine event. Stickers, photos and the like arrive as empty text, so the
 * engine re-explains the current step rather than staying silent.
 */
export function messageToEvent(message: Message): InboundEvent | null {
  if (message.chat.type !== "private" || message.from === undefined || message.from.is_bot) return null;
  return { ...base(messageKeyOf(message), message.from, message.chat.id), text: message.text ?? "" };
}

export type CallbackRoute = { kind: "event"; event: InboundEvent } | { kind: "forged" };

/** A tapped button as an engine event; data that is not ours (forged, or from an old build) is refused. */
export function callbackToEvent(query: CallbackQuery): CallbackRoute {
  const decoded = query.data === undefined ? null : decodeCallbackData(query.data);
  if (decoded === null) return { kind: "forged" };
  const chatId = query.message?.chat.id ?? query.from.id;
  if (query.message !== undefined && query.message.chat.type !== "private") return { kind: "forged" };
  const choice = decoded.nonce === undefined ? { id: decoded.choiceId } : { id: decoded.choiceId, nonce: decoded.nonce };
  return { kind: "event", event: { ...base(callbackKeyOf(query), query.from, chatId), choice } };
}

/** `kicked` in a private chat means the person blocked the bot; `member` that they came back. */
export function blockedFlagOf(status: string): boolean | null {
  if (status === "kicked") return true;
  if (status === "member") return false;
  return null;
}
