import { timingSafeEqual } from "node:crypto";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import type { InboxRow, TelegramInbox } from "../../db/telegram-inbox-repo.ts";
import { createRouter, type Mountable } from "../../http/http-server.ts";
import { readJson } from "../../shared/json.ts";
import { chatKeyOf, parseUpdate } from "./updates.ts";

export interface WebhookOptions {
  inbox: TelegramInbox;
  /** Told after an update is stored, so the worker starts on it. */
  onStored: (updates: Update[], rows: InboxRow[]) => void;
  secret: string;
  log: Logger;
  now?: () => number;
}

function sameSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Webhook mode (docs/delivery.md#inbound), mounted on the bot's HTTP server at the path of
 * TELEGRAM_WEBHOOK_URL: Telegram's secret-token header is checked (401 otherwise, in constant
 * time), the update is stored and answered 200 at once, and handled afterwards by the worker. A
 * failed store answers 500, so Telegram delivers the update again instead of it being lost; so
 * does a stopped transport (503).
 */
export function createWebhookHandler(options: WebhookOptions): Mountable & { stop(): void } {
  const { inbox, log } = options;
  const now = options.now ?? Date.now;
  let stopped = false;
  const app = createRouter(log);
  app.post("*", async (c) => {
    if (stopped) return c.json({ ok: false }, 503);
    if (!sameSecret(c.req.header("x-telegram-bot-api-secret-token"), options.secret)) return c.json({ ok: false }, 401);
    const update = parseUpdate(readJson(await c.req.text()));
    if (update === null) return c.json({ ok: false }, 400);
    let rows: InboxRow[];
    try {
      rows = inbox.store([{ updateId: update.update_id, chatKey: chatKeyOf(update), payload: JSON.stringify(update) }], now());
    } catch (err) {
      log.error({ err, updateId: update.update_id }, "could not store a webhook update; Telegram will send it again");
      return c.json({ ok: false }, 500);
    }
    // After this answer: Telegram must not wait for the engine.
    setImmediate(() => options.onStored([update], rows));
    return c.json({});
  });
  app.all("*", (c) => c.json({ ok: false }, 405));
  return {
    fetch: (request) => app.fetch(request),
    stop() {
      stopped = true;
    },
  };
}
