import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import type { ProductId } from "../../domain/products.ts";
import { toProviderError } from "../errors.ts";
import { createHttpClient } from "../http.ts";
import { boundProviderField, cleanProviderText } from "../provider-text.ts";
import type {
  Bill,
  FaultReason,
  InquiryOutcome,
  InquiryRequest,
  PaymentProvider,
  PayOutcome,
  PayRequest,
  Receipt,
  StatusOutcome,
  StatusRequest,
} from "../port.ts";
import { inquiryFailure, payFailure, saysInProcess, STATUS_FIELDS, statusVerdict, SUCCESS_CODE } from "./codes.ts";
import { espayDateTime } from "./date-time.ts";
import {
  type Envelope,
  envelopeMessage,
  envelopeSchema,
  inquiryDataSchema,
  inquirySuccessSchema,
  type PayToken,
  payTokenSchema,
  type ReceiptAnswer,
  receiptAnswerSchema,
} from "./schema.ts";
import { inquirySignature, paymentSignature, statusSignature } from "./sign.ts";
import { readJson } from "../../shared/json.ts";

export interface EspayClientOptions {
  /** Scheme and host only: https://sandbox-api.espay.id, https://api.espay.id, or a loopback simulator. */
  baseUrl: string;
  senderId: string;
  password: string;
  /** The "API key / signature key" from Espay; not the password. */
  signatureKey: string;
  basicUser: string;
  basicPassword: string;
  /** undici dispatcher; a MockAgent in tests. Without one the client owns a keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Headers + body timeout. Default 30 000 ms. */
  timeoutMs?: number;
  /** Connect timeout. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** rq_uuid source; must be unique per request. Default: sender_id + 32 random hex characters. */
  newUuid?: () => string;
  /** Epoch ms, for rq_datetime. */
  now?: () => number;
}

const PATHS = {
  inquiry: "/rest/biller/inquirytransaction",
  pay: "/rest/biller/paymentreport",
  status: "/rest/billertools/gettransactioninfo",
} as const;

/**
 * Espay documents BPJSKS (Kesehatan) only, and no field to choose how many months to pay
 * (docs/providers.md#espay-biller): so one month, the bill the inquiry returns.
 */
function productCodeFor(product: ProductId, months: number | undefined): string | null {
  return product === "bpjs-kesehatan" && months === 1 ? "BPJSKS" : null;
}

type Exchange = { kind: "answer"; statusCode: number; text: string } | { kind: "fault"; fault: FaultReason; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The payment's ref_id from any readable body, even one that fails the schema: it is the only status key. */
function readRefId(json: unknown): string | null {
  if (!isRecord(json)) return null;
  const ref = json.ref_id;
  if (typeof ref === "string" && ref.trim() !== "") return ref;
  if (typeof ref === "number" && Number.isSafeInteger(ref)) return String(ref);
  return null;
}

function isHttpOk(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}

/** Espay's own samples send spaces as %20; a form decoder reads "+" and "%20" alike, so match them. */
function formBody(fields: Readonly<Record<string, string>>): string {
  return new URLSearchParams(fields).toString().replace(/\+/g, "%20");
}

function readPayToken(payToken: string): PayToken | null {
  const parsed = payTokenSchema.safeParse(readJson(payToken));
  return parsed.success ? parsed.data : null;
}

/** The biller's receipt note is a sentence or two; longer is not a note. */
const MAX_NOTE_LENGTH = 300;

function toReceipt(answer: ReceiptAnswer): Receipt {
  const data = answer.data ?? undefined;
  const providerRef = boundProviderField(answer.recon_ref ?? data?.reff);
  const providerTime = boundProviderField(answer.rs_datetime);
  const note = boundProviderField(data?.catatan, MAX_NOTE_LENGTH);
  const name = boundProviderField(data?.customer_name);
  const period = boundProviderField(data?.bill_period);
  return {
    ...(providerRef !== undefined && { providerRef }),
    ...(providerTime !== undefined && { providerTime }),
    ...(answer.amount != null && { price: answer.amount.rupiah }),
    ...(note !== undefined && { note }),
    ...(name !== undefined && { name }),
    ...(period !== undefined && { period }),
  };
}

type BillResult = { ok: true; bill: Bill } | { ok: false; outcome: InquiryOutcome };

function badInquiryBody(message: string): BillResult {
  return { ok: false, outcome: { status: "unavailable", fault: "bad_body", message } };
}

/**
 * A `0000` inquiry as a Bill. The top-level `amount` is the total to pay, admin included
 * (docs/providers.md#espay-amounts). When both parts are known they must add up to it: a bill
 * whose price we are unsure of is never shown, the router asks the next provider instead.
 */
function readBill(json: unknown, months: number | undefined): BillResult {
  const top = inquirySuccessSchema.safeParse(json);
  if (!top.success) return badInquiryBody("Espay inquiry answer has no readable amount or data");
  const data = inquiryDataSchema.safeParse(top.data.data);
  if (!data.success) return badInquiryBody("Espay inquiry data has no readable customer or amounts");
  const d = data.data;

  const price = top.data.amount.rupiah;
  const billPart = top.data.bill_amount?.rupiah ?? d.bill_amount ?? undefined;
  const feePart = top.data.admin_fee?.rupiah ?? d.admin_fee ?? undefined;
  let amount: number;
  let adminFee: number;
  if (billPart !== undefined && feePart !== undefined) {
    if (billPart + feePart !== price) return badInquiryBody("Espay inquiry amounts do not add up (bill + admin ≠ amount)");
    amount = billPart;
    adminFee = feePart;
  } else if (billPart !== undefined) {
    amount = billPart;
    adminFee = price - billPart;
  } else if (feePart !== undefined) {
    amount = price - feePart;
    adminFee = feePart;
  } else {
    amount = price;
    adminFee = 0;
  }
  if (amount < 0 || adminFee < 0) return badInquiryBody("Espay inquiry amounts do not add up (part > total)");
  // Nothing to pay: there is no bill to settle, whatever the code says.
  if (price === 0) return { ok: false, outcome: { status: "rejected", reason: "no_bill", code: SUCCESS_CODE } };

  // Payment must echo the amount string verbatim (it is signed) and the inquiry data (BPJSKS `data`).
  const payToken = JSON.stringify({ amount: top.data.amount.raw, data: top.data.data } satisfies PayToken);
  const branch = boundProviderField(d.branch_name);
  const participants = boundProviderField(d.family_number);
  return {
    ok: true,
    bill: {
      name: boundProviderField(d.customer_name) ?? "",
      period: boundProviderField(d.bill_period) ?? String(months ?? 1),
      ...(branch !== undefined && { branch }),
      ...(participants !== undefined && { participants }),
      amount,
      adminFee,
      price,
      payToken,
    },
  };
}

/** Every status value the answer carries, at the top level and inside `data` (see codes.ts). */
function statusValues(json: unknown, data: Record<string, unknown> | null | undefined): unknown[] {
  const values: unknown[] = [];
  for (const source of [json, data]) {
    if (!isRecord(source)) continue;
    for (const field of STATUS_FIELDS) {
      const v = source[field];
      if (v !== undefined && v !== null && v !== "") values.push(v);
    }
  }
  return values;
}

export function createEspayClient(opts: EspayClientOptions): PaymentProvider {
  const base = new URL(opts.baseUrl);
  if ((base.protocol !== "https:" && base.protocol !== "http:") || base.pathname !== "/" || base.search !== "") {
    throw new Error("Espay baseUrl must be scheme and host only, e.g. https://sandbox-api.espay.id");
  }
  const origin = base.origin;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const http = createHttpClient({
    ...(opts.dispatcher !== undefined && { dispatcher: opts.dispatcher }),
    connectTimeoutMs,
    responseTimeoutMs: timeoutMs,
  });
  const now = opts.now ?? Date.now;
  const newUuid = opts.newUuid ?? (() => `${opts.senderId}${randomUUID().replace(/-/g, "").toUpperCase()}`);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
    authorization: `Basic ${Buffer.from(`${opts.basicUser}:${opts.basicPassword}`, "utf8").toString("base64")}`,
  };
  const secrets = [opts.password, opts.signatureKey, opts.basicPassword].filter((s) => s !== "");

  /** Provider text reaches payers and logs: a short excerpt, without anything secret Espay echoes back. */
  function clean(text: string | undefined, signature: string): string | undefined {
    return cleanProviderText(text, [...secrets, signature]);
  }

  async function send(path: string, fields: Readonly<Record<string, string>>): Promise<Exchange> {
    try {
      const res = await http.post(`${origin}${path}`, formBody(fields), headers);
      return { kind: "answer", statusCode: res.statusCode, text: res.body };
    } catch (err) {
      const e = toProviderError(err);
      return { kind: "fault", fault: e.fault, message: e.message };
    }
  }

  /** The fields every request starts with, in Espay's sample order. */
  function commonFields(rqUuid: string): Record<string, string> {
    return { rq_uuid: rqUuid, rq_datetime: espayDateTime(now()), sender_id: opts.senderId, password: opts.password };
  }

  /** Reads the envelope of a 2xx JSON answer, or says why it could not. */
  function readEnvelope(ex: {
    statusCode: number;
    text: string;
  }): { ok: true; json: unknown; envelope: Envelope } | { ok: false; fault: FaultReason; code?: string; message: string } {
    if (!isHttpOk(ex.statusCode)) {
      return { ok: false, fault: "http_status", code: String(ex.statusCode), message: `Espay answered HTTP ${ex.statusCode}` };
    }
    const json = readJson(ex.text);
    if (json === undefined) return { ok: false, fault: "bad_body", message: "Espay answer is not JSON" };
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) return { ok: false, fault: "bad_body", message: "Espay answer has no error_code" };
    return { ok: true, json, envelope: envelope.data };
  }

  async function inquire(req: InquiryRequest): Promise<InquiryOutcome> {
    const productCode = productCodeFor(req.product, req.months);
    if (productCode === null) return { status: "rejected", reason: "product_unavailable" };
    const rqUuid = newUuid();
    const signature = inquirySignature({ senderId: opts.senderId, orderId: req.customerNumber, productCode, rqUuid }, opts.signatureKey);
    const ex = await send(PATHS.inquiry, {
      ...commonFields(rqUuid),
      order_id: req.customerNumber,
      product_code: productCode,
      signature,
    });
    if (ex.kind === "fault") return { status: "unavailable", fault: ex.fault, message: ex.message };
    // Any non-2xx, 401 included (our Basic credentials: a config fault on this provider only), lets
    // the router ask the next provider.
    const read = readEnvelope(ex);
    if (!read.ok) {
      return { status: "unavailable", fault: read.fault, ...(read.code !== undefined && { code: read.code }), message: read.message };
    }
    const { envelope } = read;
    if (envelope.error_code !== SUCCESS_CODE) {
      return inquiryFailure(envelope.error_code, clean(envelopeMessage(envelope), signature));
    }
    const bill = readBill(read.json, req.months);
    return bill.ok ? { status: "success", bill: bill.bill } : bill.outcome;
  }

  /**
   * Sent once, never retried. Only answers that prove nothing was taken are final refusals;
   * everything else is pending, keyed by the ref_id when the body was readable enough to carry one.
   */
  async function pay(req: PayRequest): Promise<PayOutcome> {
    const productCode = productCodeFor(req.product, req.months);
    if (productCode === null) return { status: "rejected", reason: "product_unavailable" };
    const token = readPayToken(req.payToken);
    // Nothing has been sent yet, so refusing is safe.
    if (token === null) return { status: "rejected", reason: "failed", message: "unreadable Espay pay token" };
    const rqUuid = newUuid();
    const signature = paymentSignature({ senderId: opts.senderId, orderId: req.customerNumber, productCode, amount: token.amount, rqUuid }, opts.signatureKey);
    const ex = await send(PATHS.pay, {
      ...commonFields(rqUuid),
      order_id: req.customerNumber,
      product_code: productCode,
      amount: token.amount,
      signature,
      data: JSON.stringify(token.data),
    });
    if (ex.kind === "fault") return { status: "pending", statusKey: null, fault: ex.fault, message: ex.message };
    try {
      return readPayAnswer(ex, signature);
    } catch {
      // A bug in reading must not turn a possibly-paid request into anything final.
      return { status: "pending", statusKey: readRefId(readJson(ex.text)), fault: "bad_body" };
    }
  }

  function readPayAnswer(ex: { statusCode: number; text: string }, signature: string): PayOutcome {
    // Basic auth is checked before the request is looked at: nothing can have been paid.
    if (ex.statusCode === 401) {
      return { status: "rejected", reason: "config_error", code: "401", message: "Espay refused the Basic credentials (HTTP 401)" };
    }
    const statusKey = readRefId(readJson(ex.text));
    const read = readEnvelope(ex);
    if (!read.ok) {
      return { status: "pending", statusKey, fault: read.fault, ...(read.code !== undefined && { code: read.code }), message: read.message };
    }
    const { envelope } = read;
    const message = clean(envelopeMessage(envelope), signature);
    if (envelope.error_code !== SUCCESS_CODE) return payFailure(envelope.error_code, message, statusKey);

    const answer = receiptAnswerSchema.safeParse(read.json);
    if (!answer.success) {
      return { status: "pending", statusKey, fault: "bad_body", code: SUCCESS_CODE, message: "Espay payment answer is unreadable" };
    }
    const texts = [envelope.error_desc, envelope.error_message, envelope.description, answer.data.data?.message];
    if (saysInProcess(texts)) {
      return { status: "pending", statusKey, code: SUCCESS_CODE, ...(message !== undefined && { message }) };
    }
    return { status: "success", receipt: toReceipt(answer.data), ...(statusKey !== null && { statusKey }) };
  }

  /**
   * `gettransactioninfo`, keyed by the payment's ref_id. Only a clear answer moves the payment out of
   * pending (see codes.ts for the status fields we assume). A "not found" error is NOT read as
   * "never received": the ref_id came from Espay's own payment answer, so Espay did receive it, and
   * such an error more likely means a wrong environment or key; refunding on it could pay twice.
   */
  async function status(req: StatusRequest): Promise<StatusOutcome> {
    if (req.statusKey.trim() === "") return { status: "pending", message: "no Espay ref_id to ask about" };
    const rqUuid = newUuid();
    const signature = statusSignature({ senderId: opts.senderId, refId: req.statusKey, rqUuid }, opts.signatureKey);
    const ex = await send(PATHS.status, { ...commonFields(rqUuid), ref_id: req.statusKey, signature });
    if (ex.kind === "fault") return { status: "pending", fault: ex.fault, message: ex.message };
    const read = readEnvelope(ex);
    if (!read.ok) {
      return { status: "pending", fault: read.fault, ...(read.code !== undefined && { code: read.code }), message: read.message };
    }
    const { envelope } = read;
    const message = clean(envelopeMessage(envelope), signature);
    // A failed status call says nothing about the payment itself.
    if (envelope.error_code !== SUCCESS_CODE) {
      return { status: "pending", code: envelope.error_code, ...(message !== undefined && { message }) };
    }
    const answer = receiptAnswerSchema.safeParse(read.json);
    if (!answer.success) return { status: "pending", fault: "bad_body", message: "Espay status answer is unreadable" };
    if (answer.data.ref_id !== undefined && answer.data.ref_id !== req.statusKey) {
      return { status: "pending", fault: "bad_body", message: "Espay status answer is for another ref_id" };
    }
    const values = statusValues(read.json, answer.data.data);
    switch (statusVerdict(values)) {
      case "success":
        return { status: "success", receipt: toReceipt(answer.data) };
      case "failed": {
        const description = clean(envelope.description, signature);
        return {
          status: "failed",
          reason: "failed",
          code: String(values[0]),
          ...(description !== undefined && { message: description }),
        };
      }
      case "not_received":
        return { status: "not_received" };
      case "pending":
        return { status: "pending", code: SUCCESS_CODE, ...(message !== undefined && { message }) };
    }
  }

  return {
    name: "espay",
    supports: (product, months) => productCodeFor(product, months) !== null,
    inquire,
    pay,
    status,
    // Espay's status key (ref_id) only exists once the payment has answered.
    statusKeyBeforePay: () => null,
    payTimeoutMs: timeoutMs + connectTimeoutMs,
    close: () => http.close(),
  };
}
