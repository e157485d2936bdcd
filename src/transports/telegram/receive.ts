import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import type { InboxRow, TelegramInbox } from "../../db/telegram-inbox-repo.ts";
import { createPoller } from "./poller.ts";
import { ALLOWED_UPDATES } from "./updates.ts";
import type { HttpServer } from "../../http/http-server.ts";
import { createWebhookHandler } from "./webhook.ts";

export interface Receiving {
  mode: "polling" | "webhook";
  webhookPort: number | null;
  stop(): Promise<void>;
}

/**
 * How updates reach the inbox (docs/delivery.md#inbound): a webhook when TELEGRAM_WEBHOOK_URL is set (server first,
 * then setWebhook, so Telegram never posts to a closed port), long polling otherwise (after
 * deleteWebhook, since Telegram refuses getUpdates while a webhook is set).
 */
export async function startReceiving(opts: {
  api: Api;
  inbox: TelegramInbox;
  onStored: (updates: Update[], rows: InboxRow[]) => void;
  log: Logger;
  now: () => number;
  webhook: { url: string; secret: string | undefined; http: HttpServer } | null;
  pollTimeoutSeconds: number;
  pollBackoff?: { firstMs: number; maxMs: number };
}): Promise<Receiving> {
  const { api, inbox, onStored, log } = opts;
  if (opts.webhook !== null) {
    const { url, secret } = opts.webhook;
    if (secret === undefined) throw new Error("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL");
    const handler = createWebhookHandler({ inbox, onStored, secret, log, now: opts.now });
    const { http } = opts.webhook;
    http.mount(new URL(url).pathname, handler);
    // Listening before setWebhook, so Telegram never posts to a closed port.
    const address = await http.listen();
    try {
      await api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false });
    } catch (err) {
      handler.stop();
      throw err;
    }
    // The webhook stays registered across a stop: Telegram keeps the updates (answered 503) until we are back.
    return { mode: "webhook", webhookPort: address.port, stop: async () => handler.stop() };
  }

  try {
    await api.deleteWebhook({ drop_pending_updates: false });
  } catch (err) {
    log.warn({ err }, "deleteWebhook failed; getUpdates may be refused while a webhook is set");
  }
  const poller = createPoller({
    api,
    inbox,
    onStored,
    log,
    now: opts.now,
    timeoutSeconds: opts.pollTimeoutSeconds,
    ...(opts.pollBackoff === undefined ? {} : { backoff: opts.pollBackoff }),
  });
  poller.start();
  return { mode: "polling", webhookPort: null, stop: () => poller.stop() };
}
