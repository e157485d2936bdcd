import { randomUUID, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { json, type Answer } from "../../providers/simulator/http-io.ts";
import { readJson } from "../../shared/json.ts";
import { parseMidtransOrderTime } from "../midtrans/date-time.ts";
import { isGatewayOrderId } from "../order-id.ts";
import type { TopupMethod } from "../port.ts";
import { cancelAnswer, chargeAnswer, errorAnswer, expireAnswer, statusAnswer } from "./answers.ts";
import type { Book } from "./book.ts";
import { scenarioForAmount, type GatewayScenario } from "./scenarios.ts";

/**
 * The Midtrans Core API subset the simulator speaks (docs/gateway.md#simulator): POST /v2/charge
 * (QRIS and bank-transfer VA), GET /v2/{id}/status, POST /v2/{id}/cancel and /expire, all behind
 * Basic auth with the server key. Refusals carry their code in the body on HTTP 200, as Midtrans
 * may (the official client checks the body for that reason); 401, 404 and 500 also set the HTTP
 * status.
 */

export interface CoreApiDeps {
  book: Book;
  serverKey: () => string;
  /** The simulator's own base URL, for the QR picture link. */
  baseUrl: () => string;
  /** Where notifications go unless a charge says otherwise (X-Override-Notification). */
  defaultNotifyUrls: readonly string[];
  /** The scenario set for the next charge, cleared as it is taken; null to choose by amount. */
  takeNextScenario: () => GatewayScenario | null;
  /** Delivers every notification now due; awaited before the answer in "notify_first". */
  deliverDue: () => Promise<void>;
}

const MINUTE_MS = 60_000;
const UNIT_MS = { second: 1_000, minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 24 * 60 * MINUTE_MS } as const;
/** Midtrans' defaults: 15 minutes for QRIS/GoPay, 24 hours for a VA. */
const DEFAULT_EXPIRY_MS = { qris: 15 * MINUTE_MS, va: 24 * 60 * MINUTE_MS } as const;
/** Bank Indonesia's cap on one QRIS payment. */
const QRIS_MAX_AMOUNT = 10_000_000;

const CHARGE = z.looseObject({
  payment_type: z.string(),
  transaction_details: z.looseObject({ order_id: z.string(), gross_amount: z.number() }),
  bank_transfer: z.looseObject({ bank: z.string().optional() }).optional(),
  custom_expiry: z
    .looseObject({
      order_time: z.string().optional(),
      expiry_duration: z.number().int().positive(),
      unit: z.enum(["second", "minute", "hour", "day"]).optional(),
    })
    .optional(),
});

function invalid(...messages: string[]): Answer {
  return json(200, errorAnswer("400", "One or more parameters in the payload is invalid.", { id: randomUUID(), validation_messages: messages }));
}

function notFound(): Answer {
  return json(404, errorAnswer("404", "The requested resource is not found", { id: randomUUID() }));
}

export function authorized(header: string | undefined, serverKey: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? "");
  if (match?.[1] === undefined) return false;
  const given = Buffer.from(match[1], "base64");
  const expected = Buffer.from(`${serverKey}:`, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function methodOf(paymentType: string, bank: string | undefined): TopupMethod | null {
  if (paymentType === "qris") return "qris";
  // Older docs charge Permata as its own payment_type; the official Node example sends a
  // bank_transfer without a bank, and Permata is the default (docs/gateway.md#va-charge).
  if (paymentType === "permata") return "permata_va";
  if (paymentType !== "bank_transfer") return null;
  switch (bank ?? "permata") {
    case "bca":
      return "bca_va";
    case "bni":
      return "bni_va";
    case "bri":
      return "bri_va";
    case "permata":
      return "permata_va";
    default:
      return null;
  }
}

/** X-Override-Notification replaces the configured URL, X-Append-Notification adds to it; two at most. */
function notifyUrls(deps: CoreApiDeps, headers: Record<string, string | undefined>): string[] {
  const listed = (value: string | undefined) =>
    (value ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => /^https?:\/\/\S+$/i.test(s));
  const override = listed(headers["x-override-notification"]);
  const base = override.length > 0 ? override : [...deps.defaultNotifyUrls, ...listed(headers["x-append-notification"])];
  return base.slice(0, 2);
}

async function charge(deps: CoreApiDeps, rawBody: string, headers: Record<string, string | undefined>, now: number): Promise<Answer> {
  const parsed = CHARGE.safeParse(readJson(rawBody));
  if (!parsed.success) return invalid(z.prettifyError(parsed.error));
  const body = parsed.data;
  const { order_id: orderId, gross_amount: amount } = body.transaction_details;
  if (!isGatewayOrderId(orderId)) return invalid("transaction_details.order_id may hold at most 50 letters, digits, -, _, ~ and .");
  if (!Number.isSafeInteger(amount) || amount < 1) return invalid("transaction_details.gross_amount must be a whole number, 1 or more");
  const method = methodOf(body.payment_type, body.bank_transfer?.bank);
  if (method === null) return invalid(`payment_type ${body.payment_type} is not supported by the simulator`);
  if (method === "qris" && amount > QRIS_MAX_AMOUNT) return invalid(`transaction_details.gross_amount of a QRIS payment may be at most ${QRIS_MAX_AMOUNT}`);
  let expiresAt = now + (method === "qris" ? DEFAULT_EXPIRY_MS.qris : DEFAULT_EXPIRY_MS.va);
  if (body.custom_expiry !== undefined) {
    const { order_time, expiry_duration, unit } = body.custom_expiry;
    const start = order_time === undefined ? now : parseMidtransOrderTime(order_time);
    if (start === null) return invalid("custom_expiry.order_time must be YYYY-MM-DD HH:MM:SS +0700");
    expiresAt = start + expiry_duration * UNIT_MS[unit ?? "minute"];
    if (expiresAt <= now) return invalid("custom_expiry ends in the past");
  }

  const result = deps.book.charge({
    orderId,
    method,
    amount,
    expiresAt,
    notifyUrls: notifyUrls(deps, headers),
    scenario: () => deps.takeNextScenario() ?? scenarioForAmount(amount),
  });
  switch (result.kind) {
    case "refused":
      return json(200, errorAnswer("402", "Payment channel is not activated.", { id: randomUUID() }));
    case "duplicate":
      return json(
        200,
        errorAnswer("406", "The request could not be completed due to a conflict with the current state of the target resource, please try again", {
          id: randomUUID(),
        }),
      );
    case "created":
      break;
  }
  const { row } = result;
  if (row.scenario === "lose_charge_answer") {
    return json(500, errorAnswer("500", "Sorry, we encountered internal server error. We will fix this soon.", { id: randomUUID() }));
  }
  if (row.scenario === "notify_first") await deps.deliverDue();
  return json(200, chargeAnswer(row, deps.baseUrl()));
}

export async function handleCoreApi(
  deps: CoreApiDeps,
  method: string,
  path: string,
  headers: Record<string, string | undefined>,
  rawBody: string,
  now: number,
): Promise<Answer> {
  if (!authorized(headers["authorization"], deps.serverKey())) {
    return json(401, errorAnswer("401", "Access denied due to unauthorized transaction, please check client or server key", { id: randomUUID() }), {
      "www-authenticate": 'Basic realm="midtrans"',
    });
  }
  if (path === "/v2/charge") return method === "POST" ? charge(deps, rawBody, headers, now) : json(405, errorAnswer("405", "Method not allowed"));
  const match = /^\/v2\/([^/]+)\/(status|cancel|expire)$/.exec(path);
  if (match === null) return notFound();
  let id: string;
  try {
    id = decodeURIComponent(match[1] ?? "");
  } catch {
    return notFound();
  }
  const action = match[2];
  if (action === "status") {
    if (method !== "GET") return json(405, errorAnswer("405", "Method not allowed"));
    const row = deps.book.find(id);
    return row === undefined ? notFound() : json(200, statusAnswer(row, deps.serverKey()));
  }
  if (method !== "POST") return json(405, errorAnswer("405", "Method not allowed"));
  const result = action === "cancel" ? deps.book.cancel(id) : deps.book.expire(id);
  switch (result.kind) {
    case "not_found":
      return notFound();
    case "not_pending":
      return json(200, errorAnswer("412", "Merchant cannot modify the status of the transaction", { id: randomUUID() }));
    case "changed":
      return json(200, action === "cancel" ? cancelAnswer(result.row) : expireAnswer(result.row));
  }
}
