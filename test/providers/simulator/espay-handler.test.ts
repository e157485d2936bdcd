import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SIMULATOR_CREDENTIALS } from "../../../src/providers/simulator/credentials.ts";
import { espaySignature } from "../../../src/providers/simulator/signatures.ts";
import { espaySign, obj, setup, uniqueRef, type Harness } from "./harness.ts";

const ESPAY = SIMULATOR_CREDENTIALS.espay;
const INQUIRY = "/rest/biller/inquirytransaction";

let h: Harness;
beforeEach(async () => {
  h = await setup({ settleAfterMs: 60_000, initialDeposit: 5_000_000 });
});
afterEach(async () => {
  await h.close();
});

it("signs the documented example the way docs/providers.md#espay-endpoints-and-signing computes it", () => {
  expect(espaySignature(["SENDERID", "9900990099", "STCKAI", "5441217"], "keyforsignature")).toBe(
    "bad06402f42b1244c88e3c2da24543e5708a96322819af6cc08b809d8aab5405",
  );
});

describe("Espay inquiry", () => {
  it("answers one month of BPJSKS, top-level amounts × 100 as strings", async () => {
    const { status, body, uuid } = await h.espayInquiry("8801835307911");
    expect(status).toBe(200);
    expect(body).toMatchObject({ rq_uuid: uuid, error_code: "0000", error_message: "Success", order_id: "8801835307911" });
    expect(body["rs_datetime"]).toBe("2026-05-12 10:00:00");
    const data = obj(body["data"]);
    const bill = Number(data["bill_amount"]);
    expect(bill % 35_000).toBe(0);
    expect(data).toMatchObject({ va_number: "8801835307911", bill_period: "1", admin_fee: 2500, amount: bill + 2500, remain_payment: 0 });
    expect(String(data["reff_code"])).toMatch(/^\d{32}$/);
    expect(body["amount"]).toBe(String((bill + 2500) * 100));
    expect(body["bill_amount"]).toBe(String(bill * 100));
    expect(body["admin_fee"]).toBe("250000");
  });

  it.each([
    ["8801234560001", "0088", "TAGIHAN SUDAH TERBAYAR"],
    ["8801234560014", "0014", "NOMOR PELANGGAN SALAH"],
    ["88012345", "0014", "NOMOR PELANGGAN SALAH"],
  ])("%s answers %s", async (orderId, code, desc) => {
    const { status, body } = await h.espayInquiry(orderId);
    expect(status).toBe(200);
    expect(body).toMatchObject({ error_code: code, error_desc: desc });
  });

  it("the 0103 number times out as HTTP 504", async () => {
    const { status } = await h.espayInquiry("8801234560103");
    expect(status).toBe(504);
  });

  it("denies any product but BPJSKS", async () => {
    const { body } = await h.espayInquiry("8801234560000", { productCode: "BPJSTK" });
    expect(body).toMatchObject({ error_code: "405", error_desc: "product denied" });
  });

  it("a repeated rq_uuid answers error_code 210 as a number", async () => {
    const first = await h.espayInquiry("8801234560000");
    const again = await h.espayInquiry("8801234560000", { uuid: first.uuid });
    expect(again.body).toMatchObject({ error_code: 210, error_desc: "UUID already exist" });
  });

  it("wrong Basic auth is HTTP 401", async () => {
    for (const auth of ["", "Basic " + Buffer.from("loket-sim:nope").toString("base64"), "Bearer x"]) {
      const res = await h.espay(
        INQUIRY,
        {
          rq_uuid: "X",
          rq_datetime: "",
          sender_id: ESPAY.senderId,
          password: ESPAY.password,
          order_id: "8801234560000",
          product_code: "BPJSKS",
          signature: "",
        },
        auth,
      );
      expect(res.status).toBe(401);
    }
  });

  it("a wrong signature answers 0401 Invalid signature, and does not spend the uuid", async () => {
    const uuid = uniqueRef("LOKETSIM");
    const form = {
      rq_uuid: uuid,
      rq_datetime: "2026-05-12 10:00:00",
      sender_id: ESPAY.senderId,
      password: ESPAY.password,
      order_id: "8801234560000",
      product_code: "BPJSKS",
    };
    // Signed over another uuid than the one sent.
    const wrong = await h.espay(INQUIRY, { ...form, signature: espaySign([ESPAY.senderId, "8801234560000", "BPJSKS", uuid + "X"]) });
    expect(wrong.body).toMatchObject({ error_code: "0401", error_desc: "Invalid signature" });
    const right = await h.espay(INQUIRY, { ...form, signature: espaySign([ESPAY.senderId, "8801234560000", "BPJSKS", uuid]) });
    expect(right.body["error_code"]).toBe("0000");
  });

  it("a wrong password in the body answers 0401", async () => {
    const uuid = uniqueRef("LOKETSIM");
    const res = await h.espay(INQUIRY, {
      rq_uuid: uuid,
      rq_datetime: "",
      sender_id: ESPAY.senderId,
      password: "nope",
      order_id: "8801234560000",
      product_code: "BPJSKS",
      signature: espaySign([ESPAY.senderId, "8801234560000", "BPJSKS", uuid]),
    });
    expect(res.body["error_code"]).toBe("0401");
  });

  it("a missing field is HTTP 400", async () => {
    const res = await h.espay(INQUIRY, { rq_uuid: "X" });
    expect(res.status).toBe(400);
  });
});

describe("Espay payment and status", () => {
  async function inquire(orderId: string) {
    const inq = await h.espayInquiry(orderId);
    expect(inq.body["error_code"]).toBe("0000");
    return inq.body;
  }

  it("pays, answers with a receipt, and gettransactioninfo says S", async () => {
    const inquiry = await inquire("8801835307911");
    const total = Number(obj(inquiry["data"])["amount"]);
    const pay = await h.espayPay(inquiry);
    expect(pay.body).toMatchObject({ error_code: "0000", error_desc: "Success", order_id: "8801835307911", amount: inquiry["amount"] });
    const refId = String(pay.body["ref_id"]);
    expect(refId).toMatch(/^BPJS\d{14}\d{6}$/);
    expect(String(pay.body["recon_ref"])).toMatch(/^[0-9A-F]{16}$/);
    expect(obj(pay.body["data"])).toMatchObject({
      reff: pay.body["recon_ref"],
      catatan: "BPJS KESEHATAN MENYATAKAN STRUK INI SEBAGAI BUKTI PEMBAYARAN YANG SAH",
      amount: total,
    });
    expect(h.sim.deposit()).toBe(5_000_000 - total);

    const status = await h.espayStatus(refId);
    expect(status.body).toMatchObject({
      error_code: "0000",
      error_desc: "Success",
      ref_id: refId,
      order_id: "8801835307911",
      amount: inquiry["amount"],
      tx_status: "S",
      recon_ref: pay.body["recon_ref"],
    });
    expect(h.sim.payCalls()).toEqual([
      expect.objectContaining({
        protocol: "espay",
        ref: inquiry["rq_uuid"],
        customerNumber: "8801835307911",
        payCount: 1,
        status: "success",
        providerRef: refId,
      }),
    ]);
  });

  it("a second pay of a paid bill answers 0088, is counted, takes nothing", async () => {
    const inquiry = await inquire("8801234560000");
    await h.espayPay(inquiry);
    const deposit = h.sim.deposit();
    const again = await h.espayPay(inquiry);
    expect(again.body["error_code"]).toBe("0088");
    expect(h.sim.deposit()).toBe(deposit);
    expect(h.sim.payCalls()[0]?.payCount).toBe(2);
  });

  it.each([
    ["8801234561037", "0037", "F"],
    ["8801234561105", "0105", "F"],
  ])("%s fails with %s; status %s, nothing taken", async (orderId, code, tx) => {
    const inquiry = await inquire(orderId);
    const pay = await h.espayPay(inquiry);
    expect(pay.body["error_code"]).toBe(code);
    expect(h.sim.deposit()).toBe(5_000_000);
    const status = await h.espayStatus(String(pay.body["ref_id"]));
    expect(status.body).toMatchObject({ error_code: "0000", tx_status: tx });
  });

  it("1039 is 0000 Inproses, P until settled by the clock", async () => {
    const inquiry = await inquire("8801234561039");
    const pay = await h.espayPay(inquiry);
    expect(pay.body).toMatchObject({ error_code: "0000", error_desc: "Inproses" });
    const refId = String(pay.body["ref_id"]);
    expect((await h.espayStatus(refId)).body["tx_status"]).toBe("P");
    h.clock.advance(60_000);
    const settled = await h.espayStatus(refId);
    expect(settled.body).toMatchObject({ tx_status: "S" });
    expect(String(settled.body["recon_ref"])).toMatch(/^[0-9A-F]{16}$/);
  });

  it("1039 settled as failed by settle(ref_id) refunds the deposit", async () => {
    const inquiry = await inquire("8801234561039");
    const total = Number(obj(inquiry["data"])["amount"]);
    const pay = await h.espayPay(inquiry);
    expect(h.sim.deposit()).toBe(5_000_000 - total);
    h.sim.settle(String(pay.body["ref_id"]), "failed");
    expect(h.sim.deposit()).toBe(5_000_000);
    expect((await h.espayStatus(String(pay.body["ref_id"]))).body["tx_status"]).toBe("F");
  });

  it("an amount other than the inquiry's answers 0093", async () => {
    const inquiry = await inquire("8801234560000");
    // The classic slip: sending data.amount (rupiah) instead of the top-level amount (rupiah × 100).
    const pay = await h.espayPay(inquiry, { amount: String(obj(inquiry["data"])["amount"]) });
    expect(pay.body["error_code"]).toBe("0093");
    expect(h.sim.deposit()).toBe(5_000_000);
  });

  it("the payment signature covers the amount", async () => {
    const inquiry = await inquire("8801234560000");
    const uuid = uniqueRef("LOKETSIM");
    const res = await h.espay("/rest/biller/paymentreport", {
      rq_uuid: uuid,
      rq_datetime: "",
      sender_id: ESPAY.senderId,
      password: ESPAY.password,
      order_id: "8801234560000",
      product_code: "BPJSKS",
      amount: String(inquiry["amount"]),
      data: JSON.stringify(inquiry["data"]),
      signature: espaySign([ESPAY.senderId, "8801234560000", "BPJSKS", uuid]),
    });
    expect(res.body).toMatchObject({ error_code: "0401", error_desc: "Invalid signature" });
    expect(h.sim.payCalls()).toEqual([]);
  });

  it("without data, the latest inquiry of the order_id is paid", async () => {
    await inquire("8801234560000");
    const latest = await inquire("8801234560000");
    const pay = await h.espayPay({ ...latest, data: undefined });
    expect(pay.body["error_code"]).toBe("0000");
    expect(h.sim.payCalls()).toEqual([expect.objectContaining({ ref: latest["rq_uuid"] })]);
  });

  it("a deposit too low answers 0017 and takes nothing", async () => {
    const inquiry = await inquire("8801234560000");
    h.sim.setDeposit(100);
    expect((await h.espayPay(inquiry)).body["error_code"]).toBe("0017");
    expect(h.sim.deposit()).toBe(100);
  });

  it("an unknown ref_id answers 0404", async () => {
    const status = await h.espayStatus("BPJS00000000000000000000");
    expect(status.body).toMatchObject({ error_code: "0404", error_desc: "transaction not found" });
  });

  it("a payment with no inquiry answers 0404", async () => {
    const pay = await h.espayPay({ order_id: "8801234567777", amount: "3750000", data: { reff_code: "1".repeat(32) } });
    expect(pay.body["error_code"]).toBe("0404");
  });
});
