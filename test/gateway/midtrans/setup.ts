import { MockAgent } from "undici";
import { createMidtransGateway, type MidtransGatewayOptions } from "../../../src/gateway/midtrans/client.ts";
import type { ChargeRequest } from "../../../src/gateway/port.ts";

export const ORIGIN = "https://api.sandbox.midtrans.test";
export const SERVER_KEY = "SB-Mid-server-Secret-123";
export const AUTH = `Basic ${Buffer.from(`${SERVER_KEY}:`).toString("base64")}`;
/** 2026-05-12 10:00:00 WIB. */
export const NOW = Date.UTC(2026, 4, 12, 3, 0, 0);
export const MINUTE = 60_000;

export interface CapturedRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

type Reply = object | string;

export function chargeRequest(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return { orderId: "LK-TOPUP-0001", amount: 789_000, method: "qris", expiresAt: NOW + 15 * MINUTE, ...overrides };
}

/** A fresh client over a MockAgent that refuses real network, recording every request it answers. */
export function setup(overrides: Partial<MidtransGatewayOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const calls: CapturedRequest[] = [];
  const gateway = createMidtransGateway({ baseUrl: ORIGIN, serverKey: SERVER_KEY, dispatcher: agent, now: () => NOW, ...overrides });

  function reply(method: "GET" | "POST", path: string, body: Reply, statusCode = 200) {
    return pool.intercept({ path, method }).reply((opts) => {
      const raw = opts.headers;
      const headers: Record<string, string> =
        raw instanceof Headers
          ? Object.fromEntries(raw.entries())
          : Object.fromEntries(Object.entries({ ...(raw as Record<string, string> | undefined) }).map(([k, v]) => [k.toLowerCase(), v]));
      calls.push({ path: opts.path, method: opts.method, headers, body: typeof opts.body === "string" ? opts.body : String(opts.body ?? "") });
      return { statusCode, data: typeof body === "string" ? body : JSON.stringify(body), responseOptions: { headers: { "content-type": "application/json" } } };
    });
  }

  async function close() {
    await gateway.close();
    await agent.close();
  }

  return { agent, pool, gateway, calls, reply, close };
}

/** Midtrans' own QRIS charge answer (docs.midtrans.com, GoPay QRIS POS integration). */
export const QRIS_CHARGE_SAMPLE = {
  status_code: "201",
  status_message: "QRIS transaction is created",
  transaction_id: "1015a919-b03f-450a-bc85-b38202a79a96",
  order_id: "order102",
  merchant_id: "G490526303",
  gross_amount: "789000.00",
  currency: "IDR",
  payment_type: "qris",
  transaction_time: "2021-06-23 15:25:24",
  transaction_status: "pending",
  fraud_status: "accept",
  actions: [{ name: "generate-qr-code", method: "GET", url: "https://api.midtrans.com/v2/qris/1015a919-b03f-450a-bc85-b38202a79a96/qr-code" }],
  qr_string:
    "00020101021226620014COM.GO-JEK.WWW011993600914349052630340210G4905263030303UKE51440014ID.CO.QRIS.WWW0215AID0607336128660303UKE5204341453033605802ID5904Test6007BANDUNG6105402845409789000.0062475036c032f87c-f773-4619-aefa-675e1f06f9210703A016304A623",
  acquirer: "gopay",
};

/** Midtrans' bank-transfer charge answers (technical docs, Core API bank transfer). */
export const VA_CHARGE_SAMPLES = {
  bca: {
    status_code: "201",
    status_message: "Success, Bank Transfer transaction is created",
    transaction_id: "be03df7d-2f97-4c8c-a53c-8959f1b67295",
    order_id: "1571823229",
    merchant_id: "G812785002",
    gross_amount: "44000.00",
    currency: "IDR",
    payment_type: "bank_transfer",
    transaction_time: "2019-10-23 16:33:49",
    transaction_status: "pending",
    va_numbers: [{ bank: "bca", va_number: "812785002530231" }],
    fraud_status: "accept",
  },
  bni: {
    status_code: "201",
    status_message: "Success, Bank Transfer transaction is created",
    transaction_id: "2194a77c-a412-4fd8-8ec8-121ff64fbfee",
    order_id: "1571823369",
    merchant_id: "G812785002",
    gross_amount: "44000.00",
    currency: "IDR",
    payment_type: "bank_transfer",
    transaction_time: "2019-10-23 16:36:08",
    transaction_status: "pending",
    va_numbers: [{ bank: "bni", va_number: "9888500212345678" }],
    fraud_status: "accept",
  },
  bri: {
    status_code: "201",
    status_message: "Success, Bank Transfer transaction is created",
    transaction_id: "9aed5972-5b6a-401e-894b-a32c91ed1a3a",
    order_id: "1466323342",
    gross_amount: "20000.00",
    payment_type: "bank_transfer",
    transaction_time: "2016-06-19 15:02:22",
    transaction_status: "pending",
    va_numbers: [{ bank: "bri", va_number: "8578000000111111" }],
    fraud_status: "accept",
    currency: "IDR",
  },
  permata: {
    status_code: "201",
    status_message: "Success, PERMATA VA transaction is successful",
    transaction_id: "035ca76c-b814-4264-9e63-68142351df83",
    order_id: "1571823410",
    gross_amount: "44000.00",
    currency: "IDR",
    payment_type: "bank_transfer",
    transaction_time: "2019-10-23 16:36:49",
    transaction_status: "pending",
    fraud_status: "accept",
    permata_va_number: "850003072869607",
    merchant_id: "G812785002",
  },
} as const;

/** A GET status answer shaped like Midtrans' get-status sample, for `order_id`. */
export function statusAnswer(orderId: string, extra: object = {}) {
  return {
    status_code: "200",
    status_message: "Success, transaction is found",
    transaction_id: "1015a919-b03f-450a-bc85-b38202a79a96",
    order_id: orderId,
    merchant_id: "G490526303",
    gross_amount: "789000.00",
    currency: "IDR",
    payment_type: "qris",
    transaction_time: "2021-06-23 15:25:24",
    transaction_status: "settlement",
    fraud_status: "accept",
    settlement_time: "2021-06-23 15:46:00",
    ...extra,
  };
}
