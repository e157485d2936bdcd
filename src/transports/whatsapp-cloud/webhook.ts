import { createHash, timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import { createRouter, type Mountable } from "../../http/http-server.ts";
import { readJson } from "../../shared/json.ts";
import { verifySignature } from "./signature.ts";
import { parseWebhook, type ParsedWebhook } from "./webhook-payload.ts";

/** Where Meta calls us: `https://<public host>/whatsapp/cloud` (docs/whatsapp-cloud.md#connecting-a-number). */
export const WEBHOOK_PATH = "/whatsapp/cloud";

/** Meta posts notifications of up to 3 MB (the server's default cap is 1 MB). */
export const WEBHOOK_MAX_BODY_BYTES = 3 * 1024 * 1024;

/** A challenge is a number in practice; anything printable and short is echoed, nothing else. */
const CHALLENGE = /^[\x21-\x7e]{1,256}$/;

export interface CloudWebhookOptions {
  verifyToken: string;
  appSecret: string;
  phoneNumberId: string;
  /** Stores what the notification carries, durably; a throw answers 500 so Meta sends it again. */
  store(parsed: ParsedWebhook): Promise<void>;
  log: Logger;
  now: () => number;
}

/** Constant time, its length included: both sides are hashed to 32 bytes before they are compared. */
function same(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (v: string) => createHash("sha256").update(v, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The Cloud API webhook (docs/whatsapp-cloud.md#webhook), mounted on the bot's HTTP server.
 * GET is Meta's verification: `hub.mode=subscribe` and our verify token → the challenge echoed as
 * text; anything else 403 (it carries no signature, so none is checked). POST is a notification:
 * `X-Hub-Signature-256` over the raw bytes with the app secret (403 when missing or wrong, in
 * constant time), then everything in it is stored **before** the 200, so a crash never loses a
 * message; the engine handles it afterwards. A failed store answers 500 and Meta re-delivers (it
 * retries for up to 7 days); a duplicate is stored once (wamid).
 */
export function createCloudWebhook(options: CloudWebhookOptions): Mountable & { stop(): void } {
  const { log } = options;
  let stopped = false;
  const app = createRouter(log);

  app.get("*", (c) => {
    const mode = c.req.query("hub.mode");
    const challenge = c.req.query("hub.challenge");
    if (mode !== "subscribe" || !same(c.req.query("hub.verify_token"), options.verifyToken) || challenge === undefined || !CHALLENGE.test(challenge)) {
      log.warn({ mode }, "WhatsApp Cloud webhook verification refused");
      return c.text("forbidden", 403);
    }
    log.info("WhatsApp Cloud webhook verified by Meta");
    return c.text(challenge, 200);
  });

  app.post("*", async (c) => {
    if (stopped) return c.json({ ok: false }, 503);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!verifySignature(raw, c.req.header("x-hub-signature-256"), options.appSecret)) {
      log.warn({ bytes: raw.byteLength }, "WhatsApp Cloud webhook with a missing or wrong signature refused");
      return c.json({ ok: false }, 403);
    }
    const parsed = parseWebhook(readJson(Buffer.from(raw).toString("utf8")), options.phoneNumberId, options.now());
    if (parsed === null) {
      log.warn("signed WhatsApp Cloud webhook that is not a WhatsApp Business Account notification");
      return c.json({ ok: false }, 400);
    }
    try {
      await options.store(parsed);
    } catch (err) {
      log.error({ err }, "could not store a WhatsApp Cloud notification; Meta will send it again");
      return c.json({ ok: false }, 500);
    }
    return c.json({ ok: true });
  });

  app.all("*", (c) => c.json({ ok: false }, 405));
  return {
    fetch: (request) => app.fetch(request),
    stop() {
      stopped = true;
    },
  };
}
