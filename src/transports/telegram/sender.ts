import { GrammyError, HttpError, InputFile, type Api } from "grammy";
import type { Logger } from "pino";
import type { OutboundMessage } from "../../domain/messages.ts";
import type { MessageSender } from "../../domain/delivery/message-sender.ts";
import { SendError } from "../../domain/delivery/send-error.ts";
import { fitPlain } from "../../domain/fit-text.ts";
import { qrPng } from "../qr-image.ts";
import { CallbackDataTooLongError, MAX_CAPTION_LENGTH, MAX_MESSAGE_LENGTH, plainText, renderMessage, type RenderedMessage } from "./render.ts";

/** A chat id as Telegram wants it: numbers for numeric ids (all private chats). */
export function chatIdOf(address: string): number | string {
  return /^-?\d{1,16}$/.test(address) ? Number(address) : address;
}

function description(err: unknown): string {
  return err instanceof GrammyError ? err.description : err instanceof Error ? err.message : String(err);
}

const isApiError = (err: unknown, code: number, pattern?: RegExp): err is GrammyError =>
  err instanceof GrammyError && err.error_code === code && (pattern === undefined || pattern.test(err.description));

const BLOCKED = /blocked by the user|user is deactivated|can't initiate conversation|bot can't send messages to bots/i;
const CANT_PARSE = /can't parse entities|unsupported start tag|can't find end tag|message is too long/i;
const NOT_MODIFIED = /message is not modified/i;

/** How long the outbox waits before trying again while Telegram cannot be reached. */
export const UNREACHABLE_RETRY_MS = 15_000;

/**
 * The outbox's Telegram half (docs/delivery.md#the-outbox). Edits the message a tagged reply replaces (the bill that
 * becomes "processing…" loses its Pay button that way), falling back to a new message when the old
 * one is gone or no longer editable. Errors become SendErrors (docs/delivery.md): permanent for
 * answers that will never change, blocked when the person blocked the bot, retry_after when
 * Telegram is out of reach or still says 429 after the capped retries (so an outage postpones
 * notices without using up their attempts, never drops them); anything else is transient.
 */
export function createTelegramSender(deps: { api: Api; log: Logger }): MessageSender {
  const { api, log } = deps;

  async function sendNew(chatId: number | string, rendered: RenderedMessage): Promise<string> {
    try {
      const sent = await api.sendMessage(chatId, rendered.text, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(rendered.reply_markup === undefined ? {} : { reply_markup: rendered.reply_markup }),
      });
      return String(sent.message_id);
    } catch (err) {
      if (!isApiError(err, 400, CANT_PARSE)) throw err;
      // The engine only writes well-formed HTML that fits; should that ever fail, plain words beat silence.
      log.error({ err: description(err) }, "telegram refused the HTML; sending plain text");
      const sent = await api.sendMessage(chatId, fitPlain(plainText(rendered.text), MAX_MESSAGE_LENGTH / 2), {
        link_preview_options: { is_disabled: true },
        ...(rendered.reply_markup === undefined ? {} : { reply_markup: rendered.reply_markup }),
      });
      return String(sent.message_id);
    }
  }

  /**
   * A message with a picture (a QRIS code) is a photo, its text the caption. Drawn from the payload
   * each time (a Buffer, so grammY may send it again on a retry); one that cannot be drawn goes as
   * text rather than not at all.
   */
  async function sendPhoto(chatId: number | string, rendered: RenderedMessage, payload: string): Promise<string> {
    let png: Buffer;
    try {
      png = await qrPng(payload);
    } catch (err) {
      log.error({ err: description(err) }, "could not draw a QR code; sending the text alone");
      return sendNew(chatId, rendered);
    }
    const markup = rendered.reply_markup === undefined ? {} : { reply_markup: rendered.reply_markup };
    try {
      const sent = await api.sendPhoto(chatId, new InputFile(png, "qris.png"), { caption: rendered.text, parse_mode: "HTML", ...markup });
      return String(sent.message_id);
    } catch (err) {
      if (!isApiError(err, 400, CANT_PARSE)) throw err;
      log.error({ err: description(err) }, "telegram refused the caption's HTML; sending it plain");
      const sent = await api.sendPhoto(chatId, new InputFile(png, "qris.png"), {
        caption: fitPlain(plainText(rendered.text), MAX_CAPTION_LENGTH / 2),
        ...markup,
      });
      return String(sent.message_id);
    }
  }

  async function edit(chatId: number | string, messageId: number, rendered: RenderedMessage): Promise<"edited" | "gone"> {
    try {
      await api.editMessageText(chatId, messageId, rendered.text, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(rendered.reply_markup === undefined ? {} : { reply_markup: rendered.reply_markup }),
      });
      return "edited";
    } catch (err) {
      // Same text and buttons: the payer already sees exactly this (a notice re-sent after a crash).
      if (isApiError(err, 400, NOT_MODIFIED)) return "edited";
      // Deleted, too old to edit, not ours, …: say it in a new message instead.
      if (isApiError(err, 400)) return "gone";
      throw err;
    }
  }

  async function deliver(address: string, message: OutboundMessage, replaceMessageId: string | null): Promise<string> {
    let rendered: RenderedMessage;
    try {
      rendered = renderMessage(message);
    } catch (err) {
      if (err instanceof CallbackDataTooLongError) throw SendError.permanent(err.message);
      throw err;
    }
    const chatId = chatIdOf(address);
    // A photo is always a new message: a text cannot be edited into a picture.
    if (message.image !== undefined) return sendPhoto(chatId, rendered, message.image.payload);
    if (replaceMessageId !== null && /^\d+$/.test(replaceMessageId)) {
      if ((await edit(chatId, Number(replaceMessageId), rendered)) === "edited") return replaceMessageId;
    }
    return sendNew(chatId, rendered);
  }

  return {
    async send(address, message, replaceMessageId) {
      try {
        return await deliver(address, message, replaceMessageId);
      } catch (err) {
        if (err instanceof SendError) throw err;
        if (isApiError(err, 403)) throw BLOCKED.test(err.description) ? SendError.blocked(err.description) : SendError.permanent(err.description);
        // A bad request stays bad however often it is repeated (chat not found, text too long, …).
        if (isApiError(err, 400)) throw SendError.permanent(err.description);
        if (isApiError(err, 429)) throw SendError.retryAfter(err.description, Math.max(1, err.parameters.retry_after ?? 1) * 1000);
        if (err instanceof HttpError || (err instanceof GrammyError && err.error_code >= 500)) {
          throw SendError.unreachable(`telegram unreachable: ${description(err)}`, UNREACHABLE_RETRY_MS);
        }
        throw err;
      }
    },
  };
}
