import { createHash } from "node:crypto";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../../src/providers/simulator/server.ts";
import { SIMULATOR_CREDENTIALS } from "../../../src/providers/simulator/credentials.ts";

/**
 * Drives the simulator over a real loopback socket with a fake clock. Signatures are computed here
 * from node:crypto directly, not with the simulator's own helpers, so a wrong scheme on either side
 * shows up.
 */

/** 2026-05-12 10:00 WIB. */
export const T0 = Date.UTC(2026, 4, 12, 3, 0, 0);
export const HOUR = 60 * 60 * 1000;

export type Obj = Record<string, unknown>;

export interface Reply {
  status: number;
  body: Obj;
}

export interface Harness {
  sim: Simulator;
  clock: { now: () => number; advance(ms: number): void; set(ms: number): void };
  post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }>;
  iak(body: Obj): Promise<Reply & { data: Obj }>;
  iakInquiry(code: string, hp: string, opts?: { month?: number | string; ref?: string }): Promise<Reply & { data: Obj; ref: string }>;
  iakPay(trId: unknown): Promise<Reply & { data: Obj }>;
  iakStatus(ref: string): Promise<Reply & { data: Obj }>;
  espay(path: string, form: Record<string, string>, auth?: string): Promise<Reply>;
  espayInquiry(orderId: string, opts?: { uuid?: string; productCode?: string }): Promise<Reply & { uuid: string }>;
  espayPay(inquiry: Obj, opts?: { amount?: string; uuid?: string }): Promise<Reply>;
  espayStatus(refId: string): Promise<Reply>;
  close(): Promise<void>;
}

const { iak: IAK, espay: ESPAY } = SIMULATOR_CREDENTIALS;

export function md5(s: string): string {
  return createHash("md5").update(s).digest("hex");
}

export function espaySign(values: string[]): string {
  const plain = `##${[...values, ESPAY.signatureKey].join("##")}##`.toUpperCase();
  return createHash("sha256").update(plain).digest("hex");
}

export const BASIC_AUTH = `Basic ${Buffer.from(`${ESPAY.basicUser}:${ESPAY.basicPassword}`).toString("base64")}`;

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): Obj {
  if (!isObj(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value;
}

let counter = 0;
export function uniqueRef(prefix = "REF"): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36).toUpperCase()}${counter}`;
}

export async function setup(opts: Partial<SimulatorOptions> = {}): Promise<Harness> {
  let time = T0;
  const clock = {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
    set: (ms: number) => {
      time = ms;
    },
  };
  const sim = await startSimulator({ dbPath: ":memory:", now: clock.now, settleAfterMs: 60_000, ...opts });

  async function post(path: string, body: string, headers: Record<string, string>) {
    const res = await fetch(sim.url + path, { method: "POST", body, headers });
    return { status: res.status, text: await res.text() };
  }

  async function iak(body: Obj) {
    const res = await post("/api/v1/bill/check", JSON.stringify(body), { "content-type": "application/json" });
    const parsed = obj(JSON.parse(res.text));
    return { status: res.status, body: parsed, data: obj(parsed["data"]) };
  }

  async function espay(path: string, form: Record<string, string>, auth = BASIC_AUTH) {
    const res = await post(path, new URLSearchParams(form).toString(), {
      "content-type": "application/x-www-form-urlencoded",
      authorization: auth,
    });
    return { status: res.status, body: res.text.startsWith("{") ? obj(JSON.parse(res.text)) : { text: res.text } };
  }

  function espayCommon(uuid: string) {
    return { rq_uuid: uuid, rq_datetime: "2026-05-12 10:00:00", sender_id: ESPAY.senderId, password: ESPAY.password };
  }

  return {
    sim,
    clock,
    post,
    iak,
    async iakInquiry(code, hp, opts = {}) {
      const ref = opts.ref ?? uniqueRef();
      const body: Obj = { commands: "inq-pasca", username: IAK.username, code, hp, ref_id: ref, sign: md5(IAK.username + IAK.apiKey + ref) };
      if (opts.month !== undefined) body["month"] = opts.month;
      else if (code !== "BPJSDENDA") body["month"] = 1;
      return { ...(await iak(body)), ref };
    },
    iakPay: (trId) => iak({ commands: "pay-pasca", username: IAK.username, tr_id: trId, sign: md5(IAK.username + IAK.apiKey + String(trId)) }),
    iakStatus: (ref) => iak({ commands: "checkstatus", username: IAK.username, ref_id: ref, sign: md5(IAK.username + IAK.apiKey + "cs") }),
    espay,
    async espayInquiry(orderId, opts = {}) {
      const uuid = opts.uuid ?? uniqueRef("LOKETSIM");
      const productCode = opts.productCode ?? "BPJSKS";
      const reply = await espay("/rest/biller/inquirytransaction", {
        ...espayCommon(uuid),
        order_id: orderId,
        product_code: productCode,
        signature: espaySign([ESPAY.senderId, orderId, productCode, uuid]),
      });
      return { ...reply, uuid };
    },
    espayPay(inquiry, opts = {}) {
      const uuid = opts.uuid ?? uniqueRef("LOKETSIM");
      const orderId = String(inquiry["order_id"]);
      const amount = opts.amount ?? String(inquiry["amount"]);
      return espay("/rest/biller/paymentreport", {
        ...espayCommon(uuid),
        order_id: orderId,
        product_code: "BPJSKS",
        amount,
        data: JSON.stringify(inquiry["data"]),
        signature: espaySign([ESPAY.senderId, orderId, "BPJSKS", amount, uuid]),
      });
    },
    espayStatus(refId) {
      const uuid = uniqueRef("LOKETSIM");
      return espay("/rest/billertools/gettransactioninfo", {
        ...espayCommon(uuid),
        ref_id: refId,
        signature: espaySign([ESPAY.senderId, refId, uuid]),
      });
    },
    close: () => sim.close(),
  };
}
