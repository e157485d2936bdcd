import type { Choice, OutboundMessage } from "../../domain/messages.ts";
import { fitPlain } from "../../domain/fit-text.ts";
import { numberedChoices } from "../plain-text.ts";
import { recipientOf } from "./address.ts";
import { encodeReplyId, ReplyIdError } from "./reply-ids.ts";
import { codePoints, fitsWhole, whatsappText } from "./text.ts";

/**
 * Meta's limits (docs/whatsapp-cloud.md#limits; the facts are in Meta's message reference). The
 * list body is 4,096 on one Meta page and 1,024 in Meta's OpenAPI spec: the smaller is used.
 */
export const LIMITS = {
  text: 4096,
  interactiveBody: 1024,
  caption: 1024,
  buttons: 3,
  buttonTitle: 20,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  listButton: 20,
  sectionTitle: 24,
} as const;

/** The words a rendered message needs besides its own, in the recipient's language. */
export interface RenderWords {
  /** Under numbered choices: "Reply with the number of your choice." */
  replyWithNumber: string;
  /** The label of the button that opens a list ("Choose"). */
  listButton: string;
  /** The title of the list's one section ("Options"). */
  listSection: string;
}

export type CloudButton = { id: string; title: string };
export type CloudRow = { id: string; title: string; description?: string };

/** What one outbox message becomes on WhatsApp Cloud, before it is addressed. */
export type CloudContent =
  | { type: "text"; body: string }
  | { type: "buttons"; body: string; buttons: CloudButton[]; image?: { kind: "qr"; payload: string } }
  | { type: "list"; body: string; button: string; section: string; rows: CloudRow[] }
  | { type: "image"; image: { kind: "qr"; payload: string }; caption: string };

/** The message with its numbered choices (if it is a menu) and the footer, as one text of at most `limit`. */
function numberedText(message: OutboundMessage, words: RenderWords, limit: number): string {
  const lines = numberedChoices(message);
  if (lines.length === 0) return whatsappText(message.text, limit);
  const tail = fitPlain(["", ...lines, "", `_${words.replyWithNumber}_`].join("\n"), Math.floor(limit / 2));
  return `${whatsappText(message.text, limit - codePoints(tail) - 1)}\n${tail}`;
}

function buttonsOf(nonce: number, choices: readonly Choice[]): CloudButton[] | null {
  const buttons = choices.map((c) => ({ id: encodeReplyId(nonce, c.id), title: fitPlain(c.label.trim(), LIMITS.buttonTitle) }));
  // Titles must be unique within a message: two labels that only differ after the cut cannot be buttons.
  const titles = new Set(buttons.map((b) => b.title));
  return titles.size === buttons.length && !titles.has("") ? buttons : null;
}

function rowsOf(nonce: number, choices: readonly Choice[]): CloudRow[] | null {
  // Meta refuses an empty row title (the whole message would be lost): numbered lines instead.
  if (choices.some((c) => c.label.trim() === "")) return null;
  return choices.map((c) => {
    const label = c.label.trim();
    const row: CloudRow = { id: encodeReplyId(nonce, c.id), title: fitPlain(label, LIMITS.rowTitle) };
    // A label the row title cuts is shown whole (or nearly) underneath.
    if (codePoints(label) > LIMITS.rowTitle) row.description = fitPlain(label, LIMITS.rowDescription);
    return row;
  });
}

/**
 * An OutboundMessage as WhatsApp Cloud shows it (docs/whatsapp-cloud.md#choices): a menu of up to
 * three choices as reply buttons, up to ten as a list, more as numbered lines answered by typing
 * the number (the engine's numbered-menu convention). Only a message that became the current menu
 * (it has a nonce) gets buttons; a notice's choices are not shown, as on the Baileys transport.
 * A menu whose text does not fit an interactive body (1,024) is sent as numbered text instead, so
 * nothing of a bill is cut away. A QR picture goes with its text as the caption, or as the header
 * of the buttons.
 */
export function renderCloud(message: OutboundMessage, words: RenderWords): CloudContent {
  let interactive: CloudContent | null = null;
  try {
    interactive = interactiveOf(message, words);
  } catch (err) {
    // A choice id that cannot travel as a reply id (never built by the engine): numbered lines still work.
    if (!(err instanceof ReplyIdError)) throw err;
  }
  if (interactive !== null) return interactive;
  if (message.image !== undefined) return { type: "image", image: message.image, caption: numberedText(message, words, LIMITS.caption) };
  return { type: "text", body: numberedText(message, words, LIMITS.text) };
}

/** Buttons or a list when the message is a menu that fits one; null otherwise. */
function interactiveOf(message: OutboundMessage, words: RenderWords): CloudContent | null {
  const choices = message.nonce === undefined ? [] : (message.choices?.flat() ?? []);
  if (message.nonce === undefined || choices.length === 0 || !fitsWhole(message.text, LIMITS.interactiveBody)) return null;
  const body = whatsappText(message.text, LIMITS.interactiveBody);
  // An interactive message needs a body; numbered lines do not.
  if (body.trim() === "") return null;
  if (choices.length <= LIMITS.buttons) {
    const buttons = buttonsOf(message.nonce, choices);
    if (buttons !== null) return { type: "buttons", body, buttons, ...(message.image === undefined ? {} : { image: message.image }) };
  }
  // A list header can only be text: a picture with more choices goes as a captioned image.
  if (message.image !== undefined || choices.length > LIMITS.rows) return null;
  const rows = rowsOf(message.nonce, choices);
  if (rows === null) return null;
  return { type: "list", body, button: fitPlain(words.listButton, LIMITS.listButton), section: fitPlain(words.listSection, LIMITS.sectionTitle), rows };
}

/** The Graph API body for rendered content; `mediaId` is the uploaded picture, when there is one. */
export function graphBody(waId: string, content: CloudContent, mediaId?: string): Record<string, unknown> {
  const base = { messaging_product: "whatsapp", recipient_type: "individual", to: recipientOf(waId) };
  switch (content.type) {
    case "text":
      return { ...base, type: "text", text: { body: content.body, preview_url: false } };
    case "image":
      return { ...base, type: "image", image: { id: mediaId, caption: content.caption } };
    case "buttons":
      return {
        ...base,
        type: "interactive",
        interactive: {
          type: "button",
          ...(content.image !== undefined && mediaId !== undefined ? { header: { type: "image", image: { id: mediaId } } } : {}),
          body: { text: content.body },
          action: { buttons: content.buttons.map((b) => ({ type: "reply", reply: { id: b.id, title: b.title } })) },
        },
      };
    case "list":
      return {
        ...base,
        type: "interactive",
        interactive: {
          type: "list",
          body: { text: content.body },
          action: { button: content.button, sections: [{ title: content.section, rows: content.rows }] },
        },
      };
  }
}
