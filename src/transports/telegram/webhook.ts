import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import type { InboxRow, TelegramInbox } from "../../db/telegram-inbox-repo.ts";
import { chatKeyOf, parseUpdate } from "./updates.ts";
import { readJson } from "../../shared/json.ts";

export interface WebhookServerOptions {
  inbox: TelegramInbox;
  /** Told after an update is stored, so the worker starts on it. */
  onStored: (updates: Update[], rows: InboxRow[]) => void;
  secret: string;
  /** The path Telegram posts to (the path of TELEGRAM_WEBHOOK_URL). */
  path: string;
  host: string;
  port: number;
  log: Logger;
  now?: () => number;
}

const MAX_BODY_BYTES = 1024 * 1024;

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, body = "{}"): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Webhook mode (docs/delivery.md#inbound): Telegram's secret-token header is checked (401 otherwise), the update is
 * stored and answered 200 at once, and handled afterwards by the worker. A failed store answers
 * 500, so Telegram delivers the update again instead of it being lost.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<{ server: Server; address: AddressInfo; close(): Promise<void> }> {
  const { inbox, log } = options;
  const now = options.now ?? Date.now;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://webhook.local");
      if (url.pathname !== options.path) return reply(res, 404, '{"ok":false}');
      if (req.method !== "POST") return reply(res, 405, '{"ok":false}');
      if (!sameSecret(req.headers["x-telegram-bot-api-secret-token"], options.secret)) return reply(res, 401, '{"ok":false}');
      const body = await readBody(req);
      if (body === null) return reply(res, 413, '{"ok":false}');
      const update = parseUpdate(readJson(body.toString("utf8")));
      if (update === null) return reply(res, 400, '{"ok":false}');
      let rows: InboxRow[];
      try {
        rows = inbox.store([{ updateId: update.update_id, chatKey: chatKeyOf(update), payload: JSON.stringify(update) }], now());
      } catch (err) {
        log.error({ err, updateId: update.update_id }, "could not store a webhook update; Telegram will send it again");
        return reply(res, 500, '{"ok":false}');
      }
      reply(res, 200);
      options.onStored([update], rows);
    })().catch((err: unknown) => {
      log.error({ err }, "webhook request failed");
      if (!res.headersSent) reply(res, 500, '{"ok":false}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    server,
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
