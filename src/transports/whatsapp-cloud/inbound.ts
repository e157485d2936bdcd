import { z } from "zod";
import type { InboundEvent } from "../../domain/messages.ts";
import { readJson } from "../../shared/json.ts";
import { isWaId, personJidOf } from "./address.ts";
import { decodeReplyId } from "./reply-ids.ts";
import { storedInbound } from "./webhook-payload.ts";
import { WINDOW_MS } from "./window.ts";

const text = z.looseObject({ text: z.looseObject({ body: z.string() }) });
const reply = z.looseObject({ id: z.string(), title: z.string().optional() });
const interactive = z.looseObject({
  interactive: z.looseObject({ type: z.string(), button_reply: reply.optional(), list_reply: reply.optional() }),
});
const templateButton = z.looseObject({ button: z.looseObject({ text: z.string().optional(), payload: z.string().optional() }) });
const system = z.looseObject({ system: z.looseObject({ type: z.string().optional(), wa_id: z.string().optional() }) });

/** Longest text handed to the engine: a person cannot type more than WhatsApp's 4,096 anyway. */
const MAX_TEXT = 4096;

export type InboundRoute =
  | { kind: "event"; event: InboundEvent }
  /** A reply id that is not ours (forged, or from an old build): refused politely, the engine not asked. */
  | { kind: "refused"; event: InboundEvent }
  /** The person moved to a new number (`system` / `user_changed_number`): the new one is the same person. */
  | { kind: "number_changed"; from: string; to: string }
  | { kind: "ignored"; reason: "unreadable" | "stale" | "reaction" | "system" };

/**
 * One stored inbound message → what the engine gets (docs/whatsapp-cloud.md#receiving). Text is
 * text; a tapped reply button or list row carries the choice id and nonce encoded in its id
 * (reply-ids.ts), parsed strictly; a template's quick-reply button is its text. Pictures, voice
 * notes, stickers and the like arrive as empty text, so the engine re-explains the current step
 * rather than staying silent. A message older than the 24-hour window (re-delivered after an
 * outage) is not answered: the person has moved on, and no free-form answer could reach them.
 */
export function inboundToRoute(payload: string, now: number): InboundRoute {
  const stored = storedInbound.safeParse(readJson(payload));
  if (!stored.success || !isWaId(stored.data.message.from)) return { kind: "ignored", reason: "unreadable" };
  const { message, name } = stored.data;
  if (now - Number(message.timestamp) * 1000 > WINDOW_MS) return { kind: "ignored", reason: "stale" };
  const jid = personJidOf(message.from);
  const base: InboundEvent = { platform: "whatsapp", userId: jid, address: jid, messageId: `cloud:${message.id}` };
  if (name !== undefined && name.trim() !== "") base.displayName = name.trim().slice(0, 128);

  switch (message.type) {
    case "text": {
      const t = text.safeParse(message);
      return { kind: "event", event: { ...base, text: t.success ? t.data.text.body.slice(0, MAX_TEXT) : "" } };
    }
    case "interactive": {
      const i = interactive.safeParse(message);
      const tapped = i.success ? (i.data.interactive.button_reply ?? i.data.interactive.list_reply) : undefined;
      const decoded = tapped === undefined ? null : decodeReplyId(tapped.id);
      if (decoded === null) return { kind: "refused", event: base };
      return { kind: "event", event: { ...base, choice: { id: decoded.choiceId, nonce: decoded.nonce } } };
    }
    case "button": {
      const b = templateButton.safeParse(message);
      return { kind: "event", event: { ...base, text: (b.success ? (b.data.button.text ?? b.data.button.payload ?? "") : "").slice(0, MAX_TEXT) } };
    }
    case "reaction":
      // An emoji on one of our messages is not a request.
      return { kind: "ignored", reason: "reaction" };
    case "system": {
      const s = system.safeParse(message);
      const to = s.success ? s.data.system.wa_id : undefined;
      if (s.success && s.data.system.type === "user_changed_number" && to !== undefined && isWaId(to))
        return { kind: "number_changed", from: message.from, to };
      return { kind: "ignored", reason: "system" };
    }
    default:
      return { kind: "event", event: { ...base, text: "" } };
  }
}
