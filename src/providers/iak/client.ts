import type { Dispatcher } from "undici";
import { ProviderBadBodyError, ProviderHttpError, toProviderError } from "../errors.ts";
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
  ProviderName,
  Receipt,
  StatusOutcome,
  StatusRequest,
} from "../port.ts";
import { failedReason, IAK_NOT_RECEIVED_CODE, IAK_PENDING_CODES, IAK_SUCCESS_CODE, inquiryHandling, payHandling } from "./codes.ts";
import { IAK_PRODUCT_CODES, iakSupports, takesMonths } from "./product-codes.ts";
import { envelopeSchema, inquiryBillSchema, priceListSchema, receiptSchema, type IakEnvelopeData, type IakPriceListItem, type IakReceipt } from "./schema.ts";
import { iakSign, SIGN_SUFFIX } from "./sign.ts";
import { readJson } from "../../shared/json.ts";

export type { IakPriceListItem } from "./schema.ts";

export interface IakClientOptions {
  /** Scheme + host, no path: https://testpostpaid.mobilepulsa.net, https://mobilepulsa.net, or the simulator. */
  baseUrl: string;
  username: string;
  apiKey: string;
  /** Default "iak"; the simulator-backed instance is named "simulator". */
  name?: ProviderName;
  /** undici dispatcher, for MockAgent in tests; otherwise the client owns a keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Response timeout; default 30 000 ms, as both official SDKs use. */
  timeoutMs?: number;
  /** Connect timeout; default 10 000 ms (IAK-PHP). Lowered in tests, where MockAgent ignores undici's own timers. */
  connectTimeoutMs?: number;
}

export interface IakClient extends PaymentProvider {
  /** pricelist-pasca; `type` is a path segment such as "bpjs". Throws a ProviderError on any failure. */
  priceList(type?: string): Promise<IakPriceListItem[]>;
}

/** One IAK answer as read off the wire: a parsed envelope, or a fault that left no readable answer. */
type Reply =
  { kind: "answer"; httpStatus: number; rc: string; message?: string; data: IakEnvelopeData } | { kind: "fault"; fault: FaultReason; message: string };

const REF_PATTERN = /^[A-Za-z0-9]+$/;

export function createIakClient(opts: IakClientOptions): IakClient {
  const name = opts.name ?? "iak";
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const endpoint = `${baseUrl}/api/v1/bill/check`;
  const { username, apiKey } = opts;
  const http = createHttpClient({
    dispatcher: opts.dispatcher,
    connectTimeoutMs,
    responseTimeoutMs: timeoutMs,
  });
  const headers = { "content-type": "application/json", accept: "application/json" };

  async function call(url: string, body: Record<string, unknown>, sign: string): Promise<Reply> {
    let res;
    try {
      res = await http.post(url, JSON.stringify(body), headers);
    } catch (err) {
      const fault = toProviderError(err);
      return { kind: "fault", fault: fault.fault, message: fault.message };
    }
    // IAK-WEB: 200 carries the answer; 400 means failed and may still carry the usual envelope.
    if (res.statusCode !== 200 && res.statusCode !== 400) {
      return { kind: "fault", fault: "http_status", message: `HTTP ${res.statusCode}` };
    }
    const parsed = envelopeSchema.safeParse(readJson(res.body));
    if (!parsed.success) {
      return res.statusCode === 200
        ? { kind: "fault", fault: "bad_body", message: "unreadable IAK response" }
        : { kind: "fault", fault: "http_status", message: "HTTP 400 without a response code" };
    }
    const data = parsed.data.data;
    return {
      kind: "answer",
      httpStatus: res.statusCode,
      rc: data.response_code,
      message: cleanProviderText(data.message, [apiKey, sign]),
      data,
    };
  }

  /** IAK echoes our ref_id; a different one means the answer is not about our transaction. */
  function echoesOtherRef(data: IakEnvelopeData, ref: string): boolean {
    return data.ref_id !== undefined && data.ref_id !== ref;
  }

  function toReceipt(r: IakReceipt): Receipt {
    return omitUndefined({
      providerRef: boundProviderField(r.noref),
      providerTime: boundProviderField(r.datetime),
      price: r.price,
      providerCost: r.selling_price,
      depositBalance: r.balance,
      name: boundProviderField(r.tr_name),
      period: boundProviderField(r.period),
    });
  }

  async function inquire(req: InquiryRequest): Promise<InquiryOutcome> {
    if (!iakSupports(req.product, req.months)) {
      return { status: "rejected", reason: "config_error", message: "product or months not supported by IAK" };
    }
    // IAK RC 03 wants ref_id "alpha_num only without space"; refusing here saves a round trip.
    if (!REF_PATTERN.test(req.ref)) {
      return { status: "rejected", reason: "config_error", message: "ref must be alphanumeric" };
    }
    const sign = iakSign(username, apiKey, req.ref);
    const body: Record<string, unknown> = {
      commands: "inq-pasca",
      username,
      code: IAK_PRODUCT_CODES[req.product],
      hp: req.customerNumber,
      ref_id: req.ref,
      sign,
    };
    if (takesMonths(req.product)) body.month = req.months;

    const reply = await call(endpoint, body, sign);
    if (reply.kind === "fault") return { status: "unavailable", fault: reply.fault, message: reply.message };
    const { rc, message } = reply;
    const { handling, reason } = inquiryHandling(rc);
    if (handling === "success") {
      if (reply.httpStatus !== 200) return { status: "unavailable", fault: "http_status", code: rc, ...opt({ message }) };
      const bill = inquiryBillSchema.safeParse(reply.data);
      if (!bill.success || echoesOtherRef(reply.data, req.ref)) {
        return { status: "unavailable", fault: "bad_body", code: rc, message: "unreadable IAK inquiry answer" };
      }
      const b = bill.data;
      // A bill whose parts do not add up would charge the payer one sum and the deposit another.
      if (b.price <= 0 || b.price !== b.nominal + b.admin || (b.selling_price !== undefined && b.selling_price > b.price)) {
        return { status: "unavailable", fault: "bad_body", code: rc, message: "IAK bill amounts do not add up" };
      }
      const result: Bill = omitUndefined({
        name: boundProviderField(b.tr_name) ?? "",
        period: boundProviderField(b.period) ?? "",
        branch: boundProviderField(b.desc.nama_cabang ?? b.desc.kantor_cabang),
        participants: boundProviderField(b.desc.jumlah_peserta),
        amount: b.nominal,
        adminFee: b.admin,
        price: b.price,
        providerCost: b.selling_price,
        payToken: b.tr_id,
        providerTrId: b.tr_id,
      });
      return { status: "success", bill: result };
    }
    if (handling === "rejected") return { status: "rejected", reason, code: rc, ...opt({ message }) };
    return { status: "unavailable", fault: handling, code: rc, ...opt({ message }) };
  }

  async function pay(req: PayRequest): Promise<PayOutcome> {
    const statusKey = req.ref;
    const trId = req.payToken.trim();
    // Sign over the exact decimal string that is sent, so the number and the sign always agree.
    const numeric = /^[1-9]\d*$/.test(trId) && Number.isSafeInteger(Number(trId));
    const sign = iakSign(username, apiKey, trId);
    const body = { commands: "pay-pasca", username, tr_id: numeric ? Number(trId) : trId, sign };

    // Never retried: a lost answer is settled by check status, not by paying again.
    const reply = await call(endpoint, body, sign);
    if (reply.kind === "fault") return { status: "pending", statusKey, fault: reply.fault, message: reply.message };
    const { rc, message } = reply;
    const { handling, reason } = payHandling(rc);
    if (handling === "success") {
      if (reply.httpStatus !== 200) {
        return { status: "pending", statusKey, code: rc, fault: "http_status", ...opt({ message }) };
      }
      const receipt = receiptSchema.safeParse(reply.data);
      const otherTr = reply.data.tr_id !== undefined && reply.data.tr_id !== trId;
      if (!receipt.success || otherTr || echoesOtherRef(reply.data, req.ref)) {
        return { status: "pending", statusKey, code: rc, fault: "bad_body", message: "unreadable IAK pay answer" };
      }
      return { status: "success", receipt: toReceipt(receipt.data), statusKey };
    }
    if (handling === "rejected") return { status: "rejected", reason, code: rc, ...opt({ message }) };
    return { status: "pending", statusKey, code: rc, ...opt({ message }) };
  }

  async function status(req: StatusRequest): Promise<StatusOutcome> {
    const sign = iakSign(username, apiKey, SIGN_SUFFIX.checkStatus);
    const body = { commands: "checkstatus", username, ref_id: req.statusKey, sign };
    const reply = await call(endpoint, body, sign);
    if (reply.kind === "fault") return { status: "pending", fault: reply.fault, message: reply.message };
    const { rc, message, data } = reply;
    const pending = (fault?: FaultReason): StatusOutcome => ({ status: "pending", code: rc, ...opt({ message, fault }) });
    if (echoesOtherRef(data, req.statusKey)) return pending("bad_body");

    // Only an answer whose status and code agree is final; any contradiction stays pending.
    const s = data.status;
    const inProcessCode = IAK_PENDING_CODES.has(rc);
    if (s === 1) {
      if (rc !== IAK_SUCCESS_CODE || reply.httpStatus !== 200) return pending();
      const receipt = receiptSchema.safeParse(data);
      return receipt.success ? { status: "success", receipt: toReceipt(receipt.data) } : pending("bad_body");
    }
    if (s === 2) {
      if (rc === IAK_SUCCESS_CODE || rc === IAK_NOT_RECEIVED_CODE || inProcessCode) return pending();
      return { status: "failed", reason: failedReason(rc), code: rc, ...opt({ message }) };
    }
    if (s === 0) {
      // "Never received" means a refund: believe it only in IAK's own words (status 0 with RC 42).
      return rc === IAK_NOT_RECEIVED_CODE ? { status: "not_received" } : pending();
    }
    if (s === undefined && rc === IAK_NOT_RECEIVED_CODE) return { status: "not_received" };
    return pending();
  }

  async function priceList(type?: string): Promise<IakPriceListItem[]> {
    const sign = iakSign(username, apiKey, SIGN_SUFFIX.priceList);
    const url = type === undefined || type === "" ? endpoint : `${endpoint}/${encodeURIComponent(type)}`;
    const body = JSON.stringify({ commands: "pricelist-pasca", username, sign });
    let res;
    try {
      res = await http.post(url, body, headers);
    } catch (err) {
      throw toProviderError(err);
    }
    if (res.statusCode !== 200) throw new ProviderHttpError(res.statusCode, cleanProviderText(res.body, [apiKey, sign]) ?? "");
    const json = readJson(res.body);
    const parsed = priceListSchema.safeParse(json);
    if (parsed.success) return parsed.data.data.pasca;
    const refusal = envelopeSchema.safeParse(json);
    if (refusal.success) {
      const d = refusal.data.data;
      const text = cleanProviderText(d.message, [apiKey, sign]);
      throw new ProviderBadBodyError(`IAK price list refused: RC ${d.response_code}${text ? ` ${text}` : ""}`);
    }
    throw new ProviderBadBodyError("unreadable IAK price list");
  }

  return {
    name,
    supports: iakSupports,
    inquire,
    pay,
    status,
    // IAK's status lookup takes our own inquiry ref_id, known before paying.
    statusKeyBeforePay: (ref: string) => ref,
    get payTimeoutMs() {
      return timeoutMs + connectTimeoutMs;
    },
    priceList,
    close: () => http.close(),
  };
}

/** Optional outcome fields are left out rather than set to undefined. */
function opt<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return omitUndefined(fields);
}

function omitUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
