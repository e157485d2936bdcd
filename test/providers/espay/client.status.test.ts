import { afterEach, describe, expect, it } from "vitest";
import type { StatusRequest } from "../../../src/providers/port.ts";
import { PATH, RQ_DATETIME, SECRETS, VA, setup, sha256 } from "./setup.ts";

const REF = "BPJS20250214144441";
const REQ: StatusRequest = { ref: "ORD1", product: "bpjs-kesehatan", customerNumber: VA, statusKey: REF };

/** The shape Loket's simulator answers with (and our assumption about Espay's; docs/providers.md#espay-status-call). */
function simulatorAnswer(txStatus: string, extra: object = {}) {
  return {
    rq_uuid: "LOKET0001",
    rs_datetime: "2025-02-14 14:50:00",
    error_code: "0000",
    error_desc: "Success",
    ref_id: REF,
    order_id: VA,
    amount: "10500000",
    tx_status: txStatus,
    recon_ref: "425F30F055AD7812",
    data: {
      customer_name: "ONI SAPUTRA PRATAMA",
      bill_period: "1",
      catatan: "BPJS KESEHATAN MENYATAKAN STRUK INI SEBAGAI BUKTI PEMBAYARAN YANG SAH",
    },
    ...extra,
  };
}

let t: ReturnType<typeof setup>;
afterEach(async () => {
  t.agent.assertNoPendingInterceptors();
  await t.close();
});

describe("espay status", () => {
  it("reads tx_status S as success with a receipt, sending a signed request", async () => {
    t = setup();
    t.reply(PATH.status, simulatorAnswer("S"));
    expect(await t.client.status(REQ)).toEqual({
      status: "success",
      receipt: {
        providerRef: "425F30F055AD7812",
        providerTime: "2025-02-14 14:50:00",
        price: 105_000,
        note: "BPJS KESEHATAN MENYATAKAN STRUK INI SEBAGAI BUKTI PEMBAYARAN YANG SAH",
        name: "ONI SAPUTRA PRATAMA",
        period: "1",
      },
    });
    const call = t.calls[0]!;
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from("loket-user:basic-Secret-789").toString("base64")}`);
    expect(Object.fromEntries(call.form)).toEqual({
      rq_uuid: "LOKET0001",
      rq_datetime: RQ_DATETIME,
      sender_id: "LOKET",
      password: SECRETS.password,
      ref_id: REF,
      signature: sha256(`##LOKET##${REF}##LOKET0001##SIGKEY-SECRET-456##`),
    });
  });

  it("reads tx_status F as failed", async () => {
    t = setup();
    t.reply(PATH.status, simulatorAnswer("F"));
    expect(await t.client.status(REQ)).toMatchObject({ status: "failed", reason: "failed", code: "F" });
  });

  it("reads tx_status P as pending", async () => {
    t = setup();
    t.reply(PATH.status, simulatorAnswer("P"));
    expect(await t.client.status(REQ)).toMatchObject({ status: "pending" });
  });

  it("reads a status inside data (JSON-encoded too)", async () => {
    t = setup();
    const { tx_status: _s, ...body } = simulatorAnswer("S");
    t.reply(PATH.status, { ...body, data: JSON.stringify({ ...body.data, payment_status: "SUKSES" }) });
    expect(await t.client.status(REQ)).toMatchObject({ status: "success", receipt: { name: "ONI SAPUTRA PRATAMA" } });
  });

  it.each([
    ["an unknown value", simulatorAnswer("X")],
    [
      "no status field",
      (() => {
        const { tx_status: _s, ...b } = simulatorAnswer("S");
        return b;
      })(),
    ],
    ["conflicting fields", simulatorAnswer("S", { status: "GAGAL" })],
    ["an object value", simulatorAnswer("S", { tx_status: { code: "S" } })],
    ["another ref_id", simulatorAnswer("S", { ref_id: "OTHER" })],
    ["an amount in sen", simulatorAnswer("S", { amount: "10500001" })],
    ["a non-0000 'not found'", { error_code: "0404", error_desc: "Transaction not found" }],
  ])("stays pending on %s", async (_name, body) => {
    t = setup();
    t.reply(PATH.status, body);
    expect(await t.client.status(REQ)).toMatchObject({ status: "pending" });
  });

  it("says not_received only on an explicit status value", async () => {
    t = setup();
    t.reply(PATH.status, simulatorAnswer("NOT_FOUND"));
    expect(await t.client.status(REQ)).toEqual({ status: "not_received" });
  });

  it("stays pending on garbage, HTTP errors and timeouts", async () => {
    t = setup({ timeoutMs: 20, connectTimeoutMs: 20 });
    t.reply(PATH.status, "garbage");
    t.reply(PATH.status, "oops", 500);
    t.reply(PATH.status, simulatorAnswer("S")).delay(1_000);
    expect(await t.client.status(REQ)).toMatchObject({ status: "pending", fault: "bad_body" });
    expect(await t.client.status(REQ)).toMatchObject({ status: "pending", fault: "http_status", code: "500" });
    expect(await t.client.status(REQ)).toMatchObject({ status: "pending", fault: "timeout" });
  });
});
