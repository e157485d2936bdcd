import type { Locale } from "../i18n.ts";

export type Platform = "telegram" | "whatsapp" | "console";

/**
 * Whether a notice's choices (a message that is not the menu on screen: a receipt, an admin's
 * approve/reject) reach the person as buttons they can use. On Telegram they do, as an inline
 * keyboard naming its own subject; WhatsApp and the console number only the menu on screen, so a
 * notice's choices are not shown there (docs/conversation.md#menus-and-choices).
 */
export function showsNoticeChoices(platform: Platform): boolean {
  return platform === "telegram";
}

/** A choice the payer can pick: a button on Telegram, a numbered line on WhatsApp and the console. */
export interface Choice {
  id: string;
  /** Plain text (buttons and numbered lines show it verbatim): never HTML, never escaped. */
  label: string;
}

/**
 * What the engine says. `text` is a small safe subset of HTML (<b>, <i>, <code>) with every
 * user- or provider-supplied value escaped; adapters that cannot show HTML turn it into plain text.
 */
export interface OutboundMessage {
  text: string;
  /** Rows of choices. */
  choices?: Choice[][];
  /** The session nonce the choices belong to: buttons from an older menu are stale. */
  nonce?: number;
  /** Messages with the same tag replace each other where the platform can edit (Telegram). */
  tag?: string;
  /**
   * A picture to show with the text (a QRIS code to scan): each transport draws it its own way
   * (transports/qr-image.ts) and `text` becomes its caption.
   */
  image?: { kind: "qr"; payload: string };
  /**
   * What the message is, for platforms that may only send it as an approved template when the
   * person has not written for a while (WhatsApp Cloud's 24-hour window, docs/whatsapp-cloud.md).
   * Set on settlement notices (settlement-notices.ts) and meant for reminders; others leave it unset.
   */
  kind?: MessageKind;
  /**
   * What the outbox keeps of this message once it is sent, in place of `text`: a one-time login
   * link is delivered, then does not rest in the database or its backups (docs/dashboard.md#login).
   */
  afterSent?: string;
}

/** The kinds of message a person gets unasked (WhatsApp Cloud picks a template by it). */
export type MessageKind = "receipt" | "failed" | "pending" | "reminder";

/** One normalized inbound event from any platform. */
export interface InboundEvent {
  platform: Platform;
  /** The platform's id of the person (Telegram user id, WhatsApp JID). */
  userId: string;
  /** Other ids the platform revealed for the same person (WhatsApp phone JID ↔ LID). */
  aliases?: string[];
  /** Where replies go (Telegram chat id, WhatsApp JID). */
  address: string;
  /** The platform's unique id of this update, for de-duplication. */
  messageId: string;
  text?: string;
  /** A tapped button: its choice id and the nonce of the menu that offered it. */
  choice?: { id: string; nonce?: number };
  localeHint?: string;
  displayName?: string;
  /**
   * When the transport received it (the engine's clock), so a typed choice is judged against the
   * menu that was on screen when it was sent, not one that appeared while it waited (docs/conversation.md).
   * Set by the engine on arrival when the transport has no earlier record of it.
   */
  receivedAt?: number;
}

export interface Recipient {
  platform: Platform;
  address: string;
  locale: Locale;
  userId: number | null;
}
