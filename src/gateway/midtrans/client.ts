import type { Dispatcher } from "undici";
import { ProviderTimeoutError, toProviderError } from "../../providers/errors.ts";
import { createHttpClient } from "../../providers/http.ts";
import { cleanProviderText } from "../../providers/provider-text.ts";
import { readJson } from "../../shared/json.ts";
import { isGatewayOrderId } from "../order-id.ts";
import { TOPUP_METHODS, type ChargeOutcome, type ChargeRequest, type PaymentGateway, type StatusOutcome } from "../port.ts";
import { parseGrossAmount } from "./amount.ts";
import { bankOf, chargeBody } from "./charge-body.ts";
import { chargeExtrasSchema, midtransAnswerSchema, type MidtransAnswer } from "./schemas.ts";
import { verifyMidtransSignature } from "./signature.ts";
import { MIDTRANS_CODE, orderStateOf } from "./status-map.ts";

/**
 * The Midtrans Core API client behind the gateway port (docs/gateway.md#midtrans): charge (QRIS,
 * BCA/BNI/BRI/Permata VA), status, cancel and expire, plus the notification signature check. Every
 * outcome is a value; faults (timeout, refused connection, 5xx, a redirect, an unreadable body)
 * become `unknown`. It never retries: a charge repeated blindly could create a second order.
 */

export interface MidtransGatewayOptions {
  /** Scheme and host only: https://api.sandbox.midtrans.com, https://api.midtrans.com, or the simulator. */
  baseUrl: string;
  /** Sandbox and production keys differ. Sent only inside the Basic Authorization header. */
  serverKey: string;
  /** undici dispatcher; a MockAgent in tests. Without one the client owns a keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Headers + body timeout of each call. Default 20 000 ms. */
  timeoutMs?: number;
  /** Connect timeout. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /**
   * Where the gateway should POST this order's notifications (X-Override-Notification on the
   * charge); without it, the URL configured in the Midtrans dashboard is used.
   */
  notificationUrl?: string;
  now?: () => number;
  /** "simulator" when pointed at Loket's own gateway simulator. */
  name?: PaymentGateway["name"];
}

export type ExpireOutcome = "expired" | "not_pending" | "unknown";

export interface MidtransGateway extends PaymentGateway {
  /**
   * Forces a pending order to expire (POST /v2/{id}/expire): Midtrans' own expiry is batch-run
   * and may lag (docs/gateway.md#cancel-and-expire).
   */
  expire(orderId: string): Promise<ExpireOutcome>;
}

type Exchange = { kind: "answer"; httpStatus: number; answer: MidtransAnswer; json: unknown } | { kind: "fault"; message: string };

const TRANSACTION_ID = /^[A-Za-z0-9-]{1,64}$/;
const VA_NUMBER = /^\d{5,30}$/;
/** A QRIS payload is printable ASCII (EMV TLV text); a few hundred characters in practice. */
const QR_STRING = /^[\x20-\x7E]{1,1024}$/;
const SETTLEMENT_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;
const THREE_DIGITS = /^\d{3}$/;

function checkedBaseUrl(raw: string): string {
  const base = new URL(raw);
  if ((base.protocol !== "https:" && base.protocol !== "http:") || base.pathname !== "/" || base.search !== "" || base.hash !== "") {
    throw new Error("Midtrans baseUrl must be scheme and host only, e.g. https://api.sandbox.midtrans.com");
  }
  return base.origin;
}

function httpUrl(raw: string | null | undefined, maxLength = 2048): string | undefined {
  if (typeof raw !== "string" || raw.length > maxLength) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === "https:" || url.protocol === "http:" ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** "2021-06-23 15:46:00" (WIB) → "2021-06-23T15:46:00+07:00". */
function wibToIso(value: string | null | undefined): string | undefined {
  const match = SETTLEMENT_TIME.exec(value ?? "");
  return match === null ? undefined : `${match[1]}T${match[2]}+07:00`;
}

function requestProblem(req: ChargeRequest, now: number): string | null {
  if (!isGatewayOrderId(req.orderId)) return "order id must be 1–50 characters of A-Z a-z 0-9 - _ ~ .";
  if (!Number.isSafeInteger(req.amount) || req.amount <= 0) return "amount must be a positive whole number of rupiah";
  if (!TOPUP_METHODS.includes(req.method)) return "unknown payment method";
  if (!Number.isFinite(req.expiresAt) || req.expiresAt <= now) return "the order's expiry has already passed";
  return null;
}

export function createMidtransGateway(opts: MidtransGatewayOptions): MidtransGateway {
  const origin = checkedBaseUrl(opts.baseUrl);
  if (opts.serverKey.trim() === "") throw new Error("Midtrans server key is empty");
  const notificationUrl = opts.notificationUrl === undefined ? undefined : httpUrl(opts.notificationUrl);
  if (opts.notificationUrl !== undefined && notificationUrl === undefined) throw new Error("Midtrans notificationUrl must be an http(s) URL");
  const now = opts.now ?? Date.now;
  const serverKey = opts.serverKey;
  const credentials = Buffer.from(`${serverKey}:`).toString("base64");
  const authorization = `Basic ${credentials}`;
  // Whatever text of the gateway's we pass on is cleaned of these first.
  const secrets = [serverKey, credentials];
  const http = createHttpClient({
    ...(opts.dispatcher !== undefined && { dispatcher: opts.dispatcher }),
    responseTimeoutMs: opts.timeoutMs ?? 20_000,
    connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
  });
  const headers = { accept: "application/json", "content-type": "application/json", authorization };

  const said = (answer: MidtransAnswer): string | undefined => cleanProviderText(answer.status_message, secrets);
  const withWords = (base: string, answer: MidtransAnswer): string => {
    const words = said(answer);
    return words === undefined ? base : `${base}: ${words}`;
  };

  async function exchange(method: "GET" | "POST", path: string, body: string, extraHeaders: Record<string, string> = {}): Promise<Exchange> {
    let statusCode: number;
    let text: string;
    try {
      const all = { ...headers, ...extraHeaders };
      const res = method === "GET" ? await http.get(origin + path, all) : await http.post(origin + path, body, all);
      statusCode = res.statusCode;
      text = res.body;
    } catch (err) {
      // Our own words only: undici's errors never carry the headers, but nothing of theirs is passed on.
      return { kind: "fault", message: toProviderError(err) instanceof ProviderTimeoutError ? "gateway request timed out" : "gateway connection failed" };
    }
    // A redirect is not followed: a charge must not be replayed somewhere else, and Midtrans does not redirect its API.
    if (statusCode >= 300 && statusCode < 400) return { kind: "fault", message: `gateway answered a redirect (HTTP ${statusCode})` };
    if (statusCode >= 500) return { kind: "fault", message: `gateway answered HTTP ${statusCode}` };
    const json = readJson(text);
    const parsed = midtransAnswerSchema.safeParse(json);
    if (!parsed.success || !THREE_DIGITS.test(parsed.data.status_code)) {
      return { kind: "fault", message: `gateway answer unreadable (HTTP ${statusCode})` };
    }
    return { kind: "answer", httpStatus: statusCode, answer: parsed.data, json };
  }

  function readCharge(req: ChargeRequest, json: unknown, answer: MidtransAnswer): ChargeOutcome {
    const code = answer.status_code;
    const codeNumber = Number(code);
    if (codeNumber >= 500) return { status: "unknown", message: withWords(`gateway answered code ${code}`, answer) };
    // The order id is taken: by an earlier attempt of ours whose answer was lost, perhaps even
    // paid. Not a refusal: the order may well exist, and its status says what it is.
    if (code === MIDTRANS_CODE.duplicateOrder) return { status: "unknown", message: withWords("order id already used at the gateway (406)", answer) };
    // Refusals come with HTTP 200 too: the body's status_code decides (docs/gateway.md#pitfalls).
    if (codeNumber >= 400) return { status: "refused", code, ...optionalMessage(said(answer)) };
    if (answer.order_id != null && answer.order_id !== req.orderId) return { status: "unknown", message: "gateway answered for another order id" };
    const state = orderStateOf(answer.transaction_status ?? undefined, answer.fraud_status ?? undefined);
    if (state === "failed" || state === "cancelled" || state === "expired") {
      return { status: "refused", code, ...optionalMessage(withWords(`charge ${answer.transaction_status ?? ""}`.trim(), answer)) };
    }
    if (code !== MIDTRANS_CODE.created || state !== "pending") {
      return { status: "unknown", message: `unexpected charge answer (code ${code}, ${answer.transaction_status ?? "no transaction_status"})` };
    }
    // Created for another amount than asked (fee imposition, a proxy, a bug on either side): the payer
    // would be shown ours while the QR or VA asks theirs. Unknown, so the order is cancelled (docs/gateway.md#answers).
    if (answer.gross_amount != null && parseGrossAmount(answer.gross_amount) !== req.amount) {
      return { status: "unknown", message: "charge created for another gross_amount than asked" };
    }
    const gatewayId = answer.transaction_id ?? "";
    if (!TRANSACTION_ID.test(gatewayId)) return { status: "unknown", message: "charge created without a readable transaction_id" };
    const extras = chargeExtrasSchema.safeParse(json);
    if (!extras.success) return { status: "unknown", message: "charge created with unreadable payment details" };
    if (req.method === "qris") {
      const qrPayload = extras.data.qr_string ?? "";
      // Without the payload the payer has nothing to scan, and no later call returns it.
      if (!QR_STRING.test(qrPayload)) return { status: "unknown", message: "QRIS charge created without a readable qr_string" };
      const qrUrl = httpUrl(extras.data.actions?.find((a) => a.name === "generate-qr-code")?.url);
      return { status: "created", gatewayId, qrPayload, ...(qrUrl !== undefined && { qrUrl }) };
    }
    const bank = bankOf(req.method);
    const number = vaNumber(bank, extras.data.va_numbers ?? [], extras.data.permata_va_number ?? undefined);
    if (number === null) return { status: "unknown", message: `VA charge created without a readable ${bank} VA number` };
    return { status: "created", gatewayId, va: { bank, number } };
  }

  return {
    name: opts.name ?? "midtrans",

    async charge(req) {
      const at = now();
      const problem = requestProblem(req, at);
      if (problem !== null) return { status: "refused", code: "invalid_request", message: problem };
      const extra: Record<string, string> = notificationUrl === undefined ? {} : { "x-override-notification": notificationUrl };
      const ex = await exchange("POST", "/v2/charge", JSON.stringify(chargeBody(req, at)), extra);
      if (ex.kind === "fault") return { status: "unknown", message: ex.message };
      return readCharge(req, ex.json, ex.answer);
    },

    async status(orderId): Promise<StatusOutcome> {
      if (!isGatewayOrderId(orderId)) return { status: "unknown", message: "not a gateway order id" };
      const ex = await exchange("GET", `/v2/${encodeURIComponent(orderId)}/status`, "");
      if (ex.kind === "fault") return { status: "unknown", message: ex.message };
      const { answer } = ex;
      const code = answer.status_code;
      if (answer.order_id != null && answer.order_id !== orderId) return { status: "unknown", message: "gateway answered for another order id" };
      // A Midtrans 404 body, not any HTTP 404: a wrong host (app.* for api.*) also answers 404.
      if (code === MIDTRANS_CODE.notFound) return { status: "known", state: "not_found", orderId };
      let state = orderStateOf(answer.transaction_status ?? undefined, answer.fraud_status ?? undefined);
      // GET status of an expired order answers 407 (the official client does not treat it as an error).
      if (code === MIDTRANS_CODE.expired && (state === null || state === "expired")) state = "expired";
      else if (Number(code) >= 300) return { status: "unknown", message: withWords(`gateway answered code ${code}`, answer) };
      if (state === null) return { status: "unknown", message: "gateway status without a readable transaction_status" };
      let grossAmount: number | undefined;
      if (answer.gross_amount != null) {
        const parsed = parseGrossAmount(answer.gross_amount);
        if (parsed === null) return { status: "unknown", message: "gateway status with an unreadable gross_amount" };
        grossAmount = parsed;
      }
      if ((state === "paid" || state === "refunded") && grossAmount === undefined) {
        return { status: "unknown", message: "gateway status paid without a gross_amount" };
      }
      const gatewayId = answer.transaction_id != null && TRANSACTION_ID.test(answer.transaction_id) ? answer.transaction_id : undefined;
      const paidAt = state === "paid" || state === "refunded" ? wibToIso(answer.settlement_time) : undefined;
      return {
        status: "known",
        state,
        orderId,
        ...(grossAmount !== undefined && { grossAmount }),
        ...(gatewayId !== undefined && { gatewayId }),
        ...(paidAt !== undefined && { paidAt }),
      };
    },

    verifyNotification: (body) => verifyMidtransSignature(body, serverKey),

    async cancel(orderId) {
      if (!isGatewayOrderId(orderId)) return "unknown";
      const ex = await exchange("POST", `/v2/${encodeURIComponent(orderId)}/cancel`, "");
      if (ex.kind === "fault") return "unknown";
      const { status_code: code, transaction_status: tx } = ex.answer;
      if (code === MIDTRANS_CODE.ok && tx === "cancel") return "cancelled";
      // Already expired (407), not modifiable (412: settled, cancelled…), or no such order (404):
      // the caller reads the status to learn which, and credits a payment that beat the cancel.
      if (code === MIDTRANS_CODE.expired || code === MIDTRANS_CODE.cannotModify || code === MIDTRANS_CODE.notFound) return "not_pending";
      if (code === MIDTRANS_CODE.ok) return "not_pending";
      return "unknown";
    },

    async expire(orderId) {
      if (!isGatewayOrderId(orderId)) return "unknown";
      const ex = await exchange("POST", `/v2/${encodeURIComponent(orderId)}/expire`, "");
      if (ex.kind === "fault") return "unknown";
      const { status_code: code, transaction_status: tx } = ex.answer;
      if (code === MIDTRANS_CODE.expired && tx === "expire") return "expired";
      if (code === MIDTRANS_CODE.cannotModify || code === MIDTRANS_CODE.notFound) return "not_pending";
      return "unknown";
    },

    close: () => http.close(),
  };
}

function optionalMessage(message: string | undefined): { message?: string } {
  return message === undefined ? {} : { message };
}

/** BCA/BNI/BRI answer va_numbers[0]; Permata answers permata_va_number at the top level. */
function vaNumber(bank: string, vaNumbers: readonly { bank: string; va_number: string }[], permata: string | undefined): string | null {
  if (bank === "permata" && permata !== undefined) return VA_NUMBER.test(permata) ? permata : null;
  const first = vaNumbers[0];
  if (first === undefined || first.bank.toLowerCase() !== bank) return null;
  return VA_NUMBER.test(first.va_number) ? first.va_number : null;
}
