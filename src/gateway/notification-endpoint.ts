import type { Logger } from "pino";
import { z } from "zod";
import type { GroupCommitter } from "../db/group-commit.ts";
import type { NotificationFields, TopupService } from "../domain/topups/topup-service.ts";
import { createRouter, type Mountable } from "../http/http-server.ts";
import { readJson } from "../shared/json.ts";
import type { PaymentGateway } from "./port.ts";

/** Where the gateway posts its notifications, on the bot's one HTTP server (the address for the gateway's dashboard). */
export const NOTIFICATION_PATH = "/gateway/midtrans";

/** A Midtrans notification is a kilobyte or two; nothing genuine comes near this. */
export const MAX_NOTIFICATION_BYTES = 16 * 1024;

/** A notification is a JSON object; its signature is the gateway's to check (verifyNotification). */
const notificationBody = z.looseObject({});

/** The status the notification claims, kept for the record only: the status API decides. */
const claimed = z.object({ transaction_status: z.string().regex(/^[a-z_]{1,32}$/) });

function claimedStatus(body: unknown): string | null {
  const parsed = claimed.safeParse(body);
  return parsed.success ? parsed.data.transaction_status : null;
}

/** A field as text for the notification's identity: a string as it is, anything else as its JSON, absent as null. */
function fieldText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * What makes a notification another one (docs/topups.md#notifications): the signed fields (order_id,
 * status_code, gross_amount, signature_key) and the two that tell a status change or another
 * transaction. Spacing, key order and any other field do not.
 */
export function notificationFields(body: Record<string, unknown>, signatureKey: string): NotificationFields {
  return {
    statusCode: fieldText(body.status_code),
    grossAmount: fieldText(body.gross_amount),
    transactionStatus: fieldText(body.transaction_status),
    transactionId: fieldText(body.transaction_id),
    signatureKey,
  };
}

/**
 * The gateway's notifications (docs/topups.md#notifications), mounted at NOTIFICATION_PATH. A body
 * that is too large or not a JSON object is 4xx; one whose signature does not check is 401, and one
 * for an order that is not ours (or another gateway's) 404 — neither changes anything. A genuine one
 * is stored (the same notification once, whatever its bytes) in a durable commit and only then
 * answered 200, fast: a 200 tells the gateway to stop sending it, so the row must survive a power
 * loss. Its confirmation through the status API runs after the answer (at once for a new status; at
 * most once a minute per order for repeats). Should the process die before that, the stored row has
 * marked the order for the poller, which confirms it after the restart.
 */
export function createNotificationEndpoint(deps: {
  gateway: Pick<PaymentGateway, "verifyNotification">;
  service: Pick<TopupService, "recordNotification" | "confirmInBackground">;
  commits: GroupCommitter;
  log: Logger;
}): Mountable {
  const { log } = deps;
  const app = createRouter(log);
  app.post("*", async (c) => {
    const declared = Number(c.req.header("content-length") ?? "0");
    if (Number.isFinite(declared) && declared > MAX_NOTIFICATION_BYTES) return c.json({ ok: false }, 413);
    const raw = await c.req.text();
    if (Buffer.byteLength(raw, "utf8") > MAX_NOTIFICATION_BYTES) return c.json({ ok: false }, 413);
    const parsed = notificationBody.safeParse(readJson(raw));
    if (!parsed.success) return c.json({ ok: false }, 400);
    const body = parsed.data;
    const verdict = deps.gateway.verifyNotification(body);
    if (!verdict.valid) {
      log.warn({ path: c.req.path }, "gateway notification with a bad signature refused");
      return c.json({ ok: false }, 401);
    }
    const orderId = verdict.orderId;
    if (!/^[A-Za-z0-9_~.-]{1,50}$/.test(orderId)) return c.json({ ok: false }, 404);
    // Hex in either case checks (the digest's bytes are compared), so one form is its identity:
    // a replay with some letters upper-cased is the same status, not a new one.
    const signatureKey = typeof body.signature_key === "string" ? body.signature_key.toLowerCase() : "";
    const fields = notificationFields(body, signatureKey);
    let outcome: ReturnType<TopupService["recordNotification"]>;
    try {
      outcome = await deps.commits.run(() => deps.service.recordNotification({ orderId, body: raw, claimedStatus: claimedStatus(body), fields }), {
        durable: true,
      });
    } catch (err) {
      // Not stored: the gateway must send it again (a 5xx is retried), so nothing is lost.
      log.error({ err, orderId }, "could not store a gateway notification");
      return c.json({ ok: false }, 500);
    }
    if (outcome === "unknown_order") {
      log.warn({ orderId }, "gateway notification for an order that is not ours");
      return c.json({ ok: false }, 404);
    }
    if (outcome === "new_status" || outcome === "repeat") deps.service.confirmInBackground(orderId, { newStatus: outcome === "new_status" });
    return c.json({ ok: true });
  });
  app.all("*", (c) => c.json({ ok: false }, 405));
  return { fetch: (request) => app.fetch(request) };
}
