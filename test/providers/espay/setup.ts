import { createHash } from "node:crypto";
import { MockAgent } from "undici";
import { createEspayClient, type EspayClientOptions } from "../../../src/providers/espay/client.ts";

export const ORIGIN = "http://espay.test";
export const SECRETS = {
  senderId: "LOKET",
  password: "pw-Secret-123",
  signatureKey: "sigKey-Secret-456",
  basicUser: "loket-user",
  basicPassword: "basic-Secret-789",
} as const;
/** 2025-02-14 07:41:39 UTC = 14:41:39 WIB. */
export const NOW = Date.UTC(2025, 1, 14, 7, 41, 39);
export const RQ_DATETIME = "2025-02-14 14:41:39";
export const VA = "8801835307911";

export const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

export interface CapturedRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  rawBody: string;
  form: URLSearchParams;
}

type Reply = object | string;

/** A fresh client over a MockAgent that refuses real network, recording every request it answers. */
export function setup(overrides: Partial<EspayClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const calls: CapturedRequest[] = [];
  let seq = 0;
  const client = createEspayClient({
    baseUrl: ORIGIN,
    ...SECRETS,
    dispatcher: agent,
    now: () => NOW,
    newUuid: () => `LOKET${String(++seq).padStart(4, "0")}`,
    ...overrides,
  });

  function capture(opts: { path: string; method: string; headers?: unknown; body?: unknown }): void {
    const raw = opts.headers;
    const headers: Record<string, string> = raw instanceof Headers ? Object.fromEntries(raw.entries()) : { ...(raw as Record<string, string> | undefined) };
    const rawBody = typeof opts.body === "string" ? opts.body : String(opts.body);
    calls.push({ path: opts.path, method: opts.method, headers, rawBody, form: new URLSearchParams(rawBody) });
  }

  /** Answers the next POST to `path` with `body` (an object is sent as JSON). */
  function reply(path: string, body: Reply, statusCode = 200) {
    return pool.intercept({ path, method: "POST" }).reply((opts) => {
      capture(opts);
      return {
        statusCode,
        data: typeof body === "string" ? body : JSON.stringify(body),
        responseOptions: { headers: { "content-type": "application/json" } },
      };
    });
  }

  async function close() {
    await client.close();
    await agent.close();
  }

  return { agent, pool, client, calls, reply, close };
}

export const PATH = {
  inquiry: "/rest/biller/inquirytransaction",
  pay: "/rest/biller/paymentreport",
  status: "/rest/billertools/gettransactioninfo",
} as const;

/** SEED-0's BPJSKS inquiry `data`, with amounts that add up (the seed's own sample does not). */
export const INQUIRY_DATA = {
  va_number: VA,
  customer_id: VA,
  customer_name: "ONI SAPUTRA PRATAMA",
  family_number: "1",
  bill_period: "1",
  bill_amount: 100000,
  admin_fee: 5000,
  amount: 105000,
  remain_payment: 0,
  reff_code: "00000000000000000000004387103120",
  branch_code: "2301",
  branch_name: "JAKARTA",
  remark: "",
};

/** A SEED-0-shaped inquiry answer: numbers at the top level, error_message, total incl. admin. */
export const INQUIRY_OK = {
  rq_uuid: "LOKET0001",
  rs_datetime: "2025-02-14 14:41:39",
  error_code: "0000",
  error_message: "Success",
  amount: 10500000,
  bill_amount: 10000000,
  admin_fee: 500000,
  data: INQUIRY_DATA,
};

/** SEED-0's BPJSKS payment answer. */
export const PAY_OK = {
  rq_uuid: "LOKET0001",
  rs_datetime: "2025-02-14 14:44:41",
  error_code: "0000",
  error_message: "Success",
  ref_id: "BPJS20250214144441",
  order_id: VA,
  recon_ref: "425F30F055AD7812",
  data: {
    reff: "425F30F055AD7812",
    va_number: VA,
    customer_id: VA,
    customer_name: "ONI SAPUTRA PRATAMA",
    family_number: "1",
    remain_payment: 0,
    bill_period: 1,
    bill_amount: 100000,
    catatan: "BPJS KESEHATAN MENYATAKAN STRUK INI SEBAGAI BUKTI PEMBAYARAN YANG SAH",
    admin_fee: 5000,
    amount: 105000,
    message: "SEGERA DAFTARKAN AUTODEBIT IURAN JKN ! MUDAH, AMAN, TEPAT WAKTU, PRAKTIS",
  },
};

export function payToken(amount = "10500000", data: object = INQUIRY_DATA): string {
  return JSON.stringify({ amount, data });
}
