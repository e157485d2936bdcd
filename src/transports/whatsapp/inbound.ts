import { z } from "zod";
import type { InboundEvent } from "../../domain/messages.ts";
import type { LidMappingLookup } from "./auth-state.ts";
import { resolveIdentity } from "./identity.ts";
import { isPrivateChat, jidKind } from "./jid.ts";

/**
 * A Baileys `messages.upsert` batch → the engine's inbound events. Baileys' message types are
 * loose protobuf shapes (everything optional, nullable), so each message is checked with zod here,
 * once, and everything that is not a new text from a person in a private chat is dropped.
 */
const keySchema = z.object({
  remoteJid: z.string().nullish(),
  remoteJidAlt: z.string().nullish(),
  id: z.string().nullish(),
  fromMe: z.boolean().nullish(),
  // Older Baileys builds named the other form of the sender this way.
  senderPn: z.string().nullish(),
  senderLid: z.string().nullish(),
});

const messageSchema = z.object({
  key: keySchema,
  message: z.unknown().optional(),
  pushName: z.string().nullish(),
  broadcast: z.boolean().nullish(),
});

const textOf = z.object({
  conversation: z.string().nullish(),
  extendedTextMessage: z.object({ text: z.string().nullish() }).nullish(),
  buttonsResponseMessage: z.object({ selectedButtonId: z.string().nullish(), selectedDisplayText: z.string().nullish() }).nullish(),
  listResponseMessage: z.object({ title: z.string().nullish(), singleSelectReply: z.object({ selectedRowId: z.string().nullish() }).nullish() }).nullish(),
  templateButtonReplyMessage: z.object({ selectedId: z.string().nullish(), selectedDisplayText: z.string().nullish() }).nullish(),
});

/** Disappearing-message and view-once wrappers carry the real message one level down. */
const wrapper = z.object({
  ephemeralMessage: z.object({ message: z.unknown() }).nullish(),
  viewOnceMessage: z.object({ message: z.unknown() }).nullish(),
  viewOnceMessageV2: z.object({ message: z.unknown() }).nullish(),
  documentWithCaptionMessage: z.object({ message: z.unknown() }).nullish(),
});

export function messageText(content: unknown, depth = 0): string | null {
  const direct = textOf.safeParse(content);
  if (!direct.success) return null;
  const m = direct.data;
  // Protobuf leaves unset strings empty as often as null: take the first one with words in it.
  const text = [
    m.conversation,
    m.extendedTextMessage?.text,
    m.buttonsResponseMessage?.selectedButtonId,
    m.buttonsResponseMessage?.selectedDisplayText,
    m.listResponseMessage?.singleSelectReply?.selectedRowId,
    m.listResponseMessage?.title,
    m.templateButtonReplyMessage?.selectedId,
    m.templateButtonReplyMessage?.selectedDisplayText,
  ].find((s) => typeof s === "string" && s.trim() !== "");
  if (text) return text;
  if (depth >= 3) return null;
  const wrapped = wrapper.safeParse(content);
  if (!wrapped.success) return null;
  const w = wrapped.data;
  const inner = w.ephemeralMessage?.message ?? w.viewOnceMessage?.message ?? w.viewOnceMessageV2?.message ?? w.documentWithCaptionMessage?.message;
  return inner === undefined || inner === null ? null : messageText(inner, depth + 1);
}

export type IgnoreReason = "not_notify" | "malformed" | "from_me" | "not_private" | "no_text";

export type InboundResult = { kind: "event"; event: InboundEvent } | { kind: "ignored"; reason: IgnoreReason; chat?: string };

export interface InboundContext {
  mapping: LidMappingLookup;
  isAdmin: (jid: string) => boolean;
}

export function toInbound(raw: unknown, ctx: InboundContext): InboundResult {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) return { kind: "ignored", reason: "malformed" };
  const { key, message, pushName, broadcast } = parsed.data;
  if (!key.remoteJid || !key.id) return { kind: "ignored", reason: "malformed" };
  const chat = jidKind(key.remoteJid);
  // Our own replies come back as upserts too; answering them would loop.
  if (key.fromMe) return { kind: "ignored", reason: "from_me", chat };
  // Groups, status updates, broadcast lists and channels are not conversations with one payer.
  if (broadcast || !isPrivateChat(key.remoteJid)) return { kind: "ignored", reason: "not_private", chat };
  const text = messageText(message)?.trim();
  if (!text) return { kind: "ignored", reason: "no_text", chat };
  const identity = resolveIdentity(key.remoteJid, [key.remoteJidAlt, key.senderPn, key.senderLid], ctx.mapping, ctx.isAdmin);
  if (identity === null) return { kind: "ignored", reason: "not_private", chat };
  const event: InboundEvent = {
    platform: "whatsapp",
    userId: identity.userId,
    address: key.remoteJid,
    // The full key: ids are chosen by the sender's device, so only chat + id is unique.
    messageId: `${key.remoteJid}|${key.id}`,
    text,
  };
  if (identity.aliases.length > 0) event.aliases = identity.aliases;
  if (pushName) event.displayName = pushName;
  return { kind: "event", event };
}

/** Only `notify` upserts are new messages; `append` is history and our own sends. */
export function inboundFromUpsert(upsert: { type: string; messages: readonly unknown[] }, ctx: InboundContext): InboundResult[] {
  if (upsert.type !== "notify") return upsert.messages.map(() => ({ kind: "ignored", reason: "not_notify" }));
  return upsert.messages.map((m) => toInbound(m, ctx));
}
