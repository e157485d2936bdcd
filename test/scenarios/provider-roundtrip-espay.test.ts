import { describe, expect, it } from "vitest";
import type { PayOutcome } from "../../src/providers/port.ts";
import { roundTrip, SETTLE_MS } from "../providers/roundtrip/setup.ts";

/**
 * The same sandbox endings through the real Espay client (BPJSKS, one month). Espay publishes no
 * codes for already-paid, wrong number or timeout (docs/providers.md#espay-error-codes); the simulator answers 0088,
 * 0014 and an HTTP 504, and the client — knowing none of them — reads the first two as a generic
 * provider refusal and the third as an HTTP fault. The classes (rejected / unavailable) match IAK's;
 * the finer reasons do not, which is pinned here so a change is deliberate.
 */

const PRODUCT = "bpjs-kesehatan";

async function inquired(customerNumber: string) {
  const rt = await roundTrip();
  const ref = rt.ref();
  const inquiry = await rt.espay.inquire({ ref, product: PRODUCT, customerNumber, months: 1 });
  if (inquiry.status !== "success") throw new Error(`inquiry of ${customerNumber} did not succeed: ${JSON.stringify(inquiry)}`);
  // Espay's status key is the payment's ref_id, known only from the pay answer.
  expect(rt.espay.statusKeyBeforePay(ref)).toBeNull();
  const pay = () => rt.espay.pay({ ref, product: PRODUCT, customerNumber, months: 1, payToken: inquiry.bill.payToken });
  const status = (statusKey: string) => rt.espay.status({ ref, product: PRODUCT, customerNumber, statusKey });
  return { rt, bill: inquiry.bill, pay, status };
}

function keyOf(outcome: PayOutcome): string {
  if (outcome.status === "rejected" || typeof outcome.statusKey !== "string") throw new Error(`the pay answer carried no ref_id: ${JSON.stringify(outcome)}`);
  return outcome.statusKey;
}

describe("Espay round trip: BPJSKS", () => {
  it("8801234560000: inquiry, pay and status all succeed, amounts in rupiah", async () => {
    const { rt, bill, pay, status } = await inquired("8801234560000");
    expect(bill.price).toBe(bill.amount + bill.adminFee);
    expect(bill.adminFee).toBe(2_500);
    const paid = await pay();
    expect(paid).toMatchObject({ status: "success", receipt: { price: bill.price, note: expect.stringContaining("BUKTI PEMBAYARAN YANG SAH") } });
    expect(await status(keyOf(paid))).toMatchObject({ status: "success", receipt: { price: bill.price } });
    expect(rt.sim.payCalls()).toEqual([expect.objectContaining({ protocol: "espay", payCount: 1, status: "success" })]);
  });

  it.each([
    // KNOWN GAP: IAK reads these as already_paid / wrong_number / timeout.
    ["8801234560001", { status: "rejected", reason: "provider_error", code: "0088" }],
    ["8801234560014", { status: "rejected", reason: "provider_error", code: "0014" }],
    ["8801234560103", { status: "unavailable", fault: "http_status", code: "504" }],
  ] as const)("%s: the inquiry answers %j", async (customerNumber, expected) => {
    const rt = await roundTrip();
    expect(await rt.espay.inquire({ ref: rt.ref(), product: PRODUCT, customerNumber, months: 1 })).toMatchObject(expected);
  });

  it("8801234561037: a failed pay stays pending with its ref_id; status says failed", async () => {
    const { pay, status } = await inquired("8801234561037");
    const paid = await pay();
    expect(paid).toMatchObject({ status: "pending", code: "0037" });
    expect(await status(keyOf(paid))).toMatchObject({ status: "failed", reason: "failed" });
  });

  it("8801234561039: in process (0000 Inproses), still pending, then success once the simulator settles", async () => {
    const { rt, bill, pay, status } = await inquired("8801234561039");
    const paid = await pay();
    expect(paid).toMatchObject({ status: "pending", code: "0000" });
    const key = keyOf(paid);
    expect(await status(key)).toMatchObject({ status: "pending" });
    rt.advance(SETTLE_MS + 1);
    expect(await status(key)).toMatchObject({ status: "success", receipt: { price: bill.price } });
    expect(rt.sim.payCalls()).toEqual([expect.objectContaining({ payCount: 1, status: "success" })]);
  });

  it("8801234561105: a biller error stays pending; status says failed", async () => {
    const { pay, status } = await inquired("8801234561105");
    const paid = await pay();
    expect(paid).toMatchObject({ status: "pending", code: "0105" });
    expect(await status(keyOf(paid))).toMatchObject({ status: "failed", reason: "failed" });
  });

  it("does not serve more than one month, nor other products", async () => {
    const rt = await roundTrip();
    expect(rt.espay.supports("bpjs-kesehatan", 1)).toBe(true);
    expect(rt.espay.supports("bpjs-kesehatan", 2)).toBe(false);
    expect(rt.espay.supports("bpjs-ketenagakerjaan", 1)).toBe(false);
    expect(rt.espay.supports("bpjs-denda", undefined)).toBe(false);
  });
});
