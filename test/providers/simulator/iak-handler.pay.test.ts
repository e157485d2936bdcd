import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HOUR, setup, type Harness } from "./harness.ts";

let h: Harness;
beforeEach(async () => {
  h = await setup({ settleAfterMs: 60_000, initialDeposit: 10_000_000 });
});
afterEach(async () => {
  await h.close();
});

async function inquire(code: string, hp: string) {
  const inq = await h.iakInquiry(code, hp, code === "BPJSDENDA" ? {} : { month: 1 });
  expect(inq.data["response_code"]).toBe("00");
  return { ref: inq.ref, trId: Number(inq.data["tr_id"]), sellingPrice: Number(inq.data["selling_price"]), inquiry: inq.data };
}

interface FlowCase {
  code: string;
  hp: string;
  payRc: string;
  status: number;
  statusRc: string;
}

const flows: FlowCase[] = [];
for (const [code, prefix] of [
  ["BPJS", "880123456"],
  ["BPJSTK", "810205101127"],
] as const) {
  flows.push(
    { code, hp: `${prefix}0000`, payRc: "00", status: 1, statusRc: "00" },
    { code, hp: `${prefix}7777`, payRc: "00", status: 1, statusRc: "00" },
    { code, hp: `${prefix}1037`, payRc: "37", status: 2, statusRc: "37" },
    { code, hp: `${prefix}1039`, payRc: "39", status: 3, statusRc: "39" },
    { code, hp: `${prefix}1105`, payRc: "105", status: 2, statusRc: "105" },
  );
}
flows.push(
  { code: "BPJSDENDA", hp: "099994301101", payRc: "00", status: 1, statusRc: "00" },
  { code: "BPJSDENDA", hp: "099994301106", payRc: "37", status: 2, statusRc: "37" },
  { code: "BPJSDENDA", hp: "099994301107", payRc: "39", status: 3, statusRc: "39" },
  { code: "BPJSDENDA", hp: "099994301108", payRc: "105", status: 2, statusRc: "105" },
  { code: "BPJSDENDA", hp: "099994309999", payRc: "00", status: 1, statusRc: "00" },
);

describe("IAK inquiry → pay → checkstatus for every scenario number", () => {
  it.each(flows)("$code $hp pays with RC $payRc, then status $status / RC $statusRc", async ({ code, hp, payRc, status, statusRc }) => {
    const { ref, trId, sellingPrice, inquiry } = await inquire(code, hp);

    const before = await h.iakStatus(ref);
    expect(before.data).toMatchObject({ status: 0, response_code: "42", ref_id: ref });

    const pay = await h.iakPay(trId);
    expect(pay.data).toMatchObject({ response_code: payRc, tr_id: trId, ref_id: ref, price: inquiry["price"], selling_price: sellingPrice });
    expect(pay.data["datetime"]).toBe("20260512100000");
    const charged = payRc === "00" || payRc === "39";
    expect(pay.data["balance"]).toBe(10_000_000 - (charged ? sellingPrice : 0));
    expect(h.sim.deposit()).toBe(10_000_000 - (charged ? sellingPrice : 0));
    if (payRc === "00") {
      expect(pay.data["message"]).toBe("PAYMENT SUCCESS");
      expect(String(pay.data["noref"])).toMatch(/^\d{18}$/);
    }

    const after = await h.iakStatus(ref);
    expect(after.data).toMatchObject({ status, response_code: statusRc, ref_id: ref, tr_id: trId, desc: inquiry["desc"] });
    expect(typeof after.data["status"]).toBe("number");
    if (payRc === "00") expect(after.data["noref"]).toBe(pay.data["noref"]);

    expect(h.sim.payCalls()).toEqual([expect.objectContaining({ protocol: "iak", ref, customerNumber: hp, payCount: 1, providerRef: String(trId) })]);
  });

  it("accepts tr_id as a string, signed as that string", async () => {
    const { trId } = await inquire("BPJS", "8801234560000");
    const pay = await h.iakPay(String(trId));
    expect(pay.data["response_code"]).toBe("00");
  });
});

describe("IAK pay: refusals and repeats", () => {
  it("an unknown tr_id answers RC 06", async () => {
    const pay = await h.iakPay(123);
    expect(pay.data["response_code"]).toBe("06");
    expect(h.sim.payCalls()).toEqual([]);
  });

  it("a wrong sign answers RC 100 and counts nothing", async () => {
    const { trId } = await inquire("BPJS", "8801234560000");
    const pay = await h.iak({ commands: "pay-pasca", username: "loket-sim", tr_id: trId, sign: "0".repeat(32) });
    expect(pay.data["response_code"]).toBe("100");
    expect(h.sim.payCalls()).toEqual([]);
  });

  it("a second pay of a paid inquiry answers RC 01, takes nothing, and is counted", async () => {
    const { ref, trId, sellingPrice } = await inquire("BPJS", "8801234560000");
    expect((await h.iakPay(trId)).data["response_code"]).toBe("00");
    const again = await h.iakPay(trId);
    expect(again.data["response_code"]).toBe("01");
    expect(h.sim.deposit()).toBe(10_000_000 - sellingPrice);
    expect(h.sim.payCalls()).toEqual([expect.objectContaining({ ref, payCount: 2, status: "success" })]);
  });

  it("a second pay while pending answers RC 39 again without charging twice", async () => {
    const { trId, sellingPrice } = await inquire("BPJS", "8801234561039");
    await h.iakPay(trId);
    expect((await h.iakPay(trId)).data["response_code"]).toBe("39");
    expect(h.sim.deposit()).toBe(10_000_000 - sellingPrice);
    expect(h.sim.payCalls()[0]?.payCount).toBe(2);
  });

  it("a pay on a later WIB day than the inquiry answers RC 04", async () => {
    // 23:30 WIB, then 00:10 WIB the next day: forty minutes, but another day.
    h.clock.set(Date.UTC(2026, 4, 12, 16, 30));
    const { ref, trId } = await inquire("BPJS", "8801234560000");
    h.clock.advance(40 * 60 * 1000);
    const pay = await h.iakPay(trId);
    expect(pay.data["response_code"]).toBe("04");
    expect(h.sim.deposit()).toBe(10_000_000);
    expect((await h.iakStatus(ref)).data).toMatchObject({ status: 0, response_code: "42" });
    expect(h.sim.payCalls()).toEqual([expect.objectContaining({ ref, payCount: 1, status: "none" })]);
  });

  it("a pay on the same WIB day hours later succeeds", async () => {
    const { trId } = await inquire("BPJS", "8801234560000");
    h.clock.advance(13 * HOUR); // 10:00 → 23:00 WIB
    expect((await h.iakPay(trId)).data["response_code"]).toBe("00");
  });

  it("a deposit below selling_price answers RC 17 and takes nothing", async () => {
    const { ref, trId, sellingPrice } = await inquire("BPJS", "8801234560000");
    h.sim.setDeposit(sellingPrice - 1);
    const pay = await h.iakPay(trId);
    expect(pay.data).toMatchObject({ response_code: "17", balance: sellingPrice - 1 });
    expect(h.sim.deposit()).toBe(sellingPrice - 1);
    expect((await h.iakStatus(ref)).data["status"]).toBe(0);
    h.sim.setDeposit(sellingPrice);
    expect((await h.iakPay(trId)).data).toMatchObject({ response_code: "00", balance: 0 });
  });
});

describe("IAK pending settlement", () => {
  it("settles as success once settleAfterMs has passed, on the next read", async () => {
    const { ref, trId } = await inquire("BPJS", "8801234561039");
    await h.iakPay(trId);
    h.clock.advance(59_999);
    expect((await h.iakStatus(ref)).data).toMatchObject({ status: 3, response_code: "39" });
    h.clock.advance(1);
    const settled = await h.iakStatus(ref);
    expect(settled.data).toMatchObject({ status: 1, response_code: "00", message: "PAYMENT SUCCESS" });
    expect(String(settled.data["noref"])).toMatch(/^\d{18}$/);
  });

  it("settle(ref, failed) fails it now and refunds the deposit", async () => {
    const { ref, trId, sellingPrice } = await inquire("BPJSDENDA", "099994301107");
    await h.iakPay(trId);
    expect(h.sim.deposit()).toBe(10_000_000 - sellingPrice);
    h.sim.settle(ref, "failed");
    expect(h.sim.deposit()).toBe(10_000_000);
    expect((await h.iakStatus(ref)).data).toMatchObject({ status: 2, response_code: "37", balance: 10_000_000 });
    // Settling twice changes nothing.
    h.sim.settle(ref, "success");
    expect((await h.iakStatus(ref)).data["status"]).toBe(2);
  });

  it("settle(tr_id, success) works by tr_id too", async () => {
    const { ref, trId } = await inquire("BPJSTK", "8102051011271039");
    await h.iakPay(trId);
    h.sim.settle(String(trId), "success");
    expect((await h.iakStatus(ref)).data).toMatchObject({ status: 1, response_code: "00" });
  });

  it("settle of an unknown ref throws", () => {
    expect(() => h.sim.settle("NOSUCHREF", "success")).toThrow(/no inquiry/);
  });
});

describe("IAK checkstatus", () => {
  it("a ref never inquired answers RC 06", async () => {
    const { data } = await h.iakStatus("NEVERSEEN1");
    expect(data["response_code"]).toBe("06");
  });

  it("a failed inquiry is known, never paid: status 0 / RC 42", async () => {
    const inq = await h.iakInquiry("BPJS", "8801234560001");
    const { data } = await h.iakStatus(inq.ref);
    expect(data).toMatchObject({ status: 0, response_code: "42", ref_id: inq.ref });
  });

  it("wants its own sign (cs)", async () => {
    const { ref } = await inquire("BPJS", "8801234560000");
    const { data } = await h.iak({ commands: "checkstatus", username: "loket-sim", ref_id: ref, sign: "bad" });
    expect(data["response_code"]).toBe("100");
  });
});
