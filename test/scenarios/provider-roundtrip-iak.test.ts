import { describe, expect, it } from "vitest";
import type { ProductId } from "../../src/domain/products.ts";
import { roundTrip, SETTLE_MS } from "../providers/roundtrip/setup.ts";

/**
 * Every sandbox scenario (docs/providers.md#simulator-scenario-numbers) through the real IAK client and the simulator: the normalised
 * outcome at each step. BPJS and BPJSTK follow the newer numbering (last four digits), BPJSDENDA its
 * own 0999943011xx numbers.
 */

interface Product {
  product: ProductId;
  months?: number;
  /** Scenario → customer number. */
  numbers: Record<"success" | "alreadyPaid" | "wrongNumber" | "timeout" | "payFailed" | "payPending" | "billerError", string>;
}

const newScheme = (prefix: string) => ({
  success: `${prefix}0000`,
  alreadyPaid: `${prefix}0001`,
  wrongNumber: `${prefix}0014`,
  timeout: `${prefix}0103`,
  payFailed: `${prefix}1037`,
  payPending: `${prefix}1039`,
  billerError: `${prefix}1105`,
});

const PRODUCTS: Product[] = [
  { product: "bpjs-kesehatan", months: 2, numbers: newScheme("880123456") },
  { product: "bpjs-ketenagakerjaan", months: 1, numbers: newScheme("810205101127") },
  {
    product: "bpjs-denda",
    numbers: {
      success: "099994301101",
      timeout: "099994301103",
      alreadyPaid: "099994301104",
      wrongNumber: "099994301105",
      payFailed: "099994301106",
      payPending: "099994301107",
      billerError: "099994301108",
    },
  },
];

describe.each(PRODUCTS)("IAK round trip: $product", ({ product, months, numbers }) => {
  async function inquired(number: string) {
    const rt = await roundTrip();
    const ref = rt.ref();
    const base = { ref, product, customerNumber: number, ...(months === undefined ? {} : { months }) };
    const inquiry = await rt.iak.inquire(base);
    if (inquiry.status !== "success") throw new Error(`inquiry of ${number} did not succeed: ${JSON.stringify(inquiry)}`);
    const pay = () => rt.iak.pay({ ...base, payToken: inquiry.bill.payToken });
    const status = () => rt.iak.status({ ref, product, customerNumber: number, statusKey: rt.iak.statusKeyBeforePay(ref) ?? ref });
    return { rt, ref, bill: inquiry.bill, pay, status };
  }

  it(`${numbers.success}: inquiry, pay and status all succeed`, async () => {
    const { rt, ref, bill, pay, status } = await inquired(numbers.success);
    expect(bill.price).toBe(bill.amount + bill.adminFee);
    expect(Number.isSafeInteger(bill.price)).toBe(true);
    const paid = await pay();
    expect(paid).toMatchObject({ status: "success", statusKey: ref, receipt: { price: bill.price, providerRef: expect.stringMatching(/^\d+$/) } });
    expect(await status()).toMatchObject({ status: "success", receipt: { price: bill.price } });
    expect(rt.sim.payCalls()).toEqual([expect.objectContaining({ ref, payCount: 1, status: "success" })]);
  });

  it.each([
    ["alreadyPaid", { status: "rejected", reason: "already_paid", code: "01" }],
    ["wrongNumber", { status: "rejected", reason: "wrong_number", code: "14" }],
    ["timeout", { status: "unavailable", fault: "timeout", code: "103" }],
  ] as const)("%s: the inquiry answers %j", async (scenario, expected) => {
    const rt = await roundTrip();
    const outcome = await rt.iak.inquire({ ref: rt.ref(), product, customerNumber: numbers[scenario], ...(months === undefined ? {} : { months }) });
    expect(outcome).toMatchObject(expected);
  });

  it(`${numbers.payFailed}: a failed pay stays pending (RC 37 may have moved money); status says failed`, async () => {
    const { pay, status } = await inquired(numbers.payFailed);
    expect(await pay()).toMatchObject({ status: "pending", code: "37" });
    expect(await status()).toMatchObject({ status: "failed", reason: "failed", code: "37" });
  });

  it(`${numbers.payPending}: pending, still pending, then success once the simulator settles`, async () => {
    const { rt, ref, bill, pay, status } = await inquired(numbers.payPending);
    expect(await pay()).toMatchObject({ status: "pending", statusKey: ref, code: "39" });
    expect(await status()).toMatchObject({ status: "pending", code: "39" });
    rt.advance(SETTLE_MS + 1);
    expect(await status()).toMatchObject({ status: "success", receipt: { price: bill.price } });
    expect(rt.sim.payCalls()).toEqual([expect.objectContaining({ ref, payCount: 1, status: "success" })]);
  });

  it(`${numbers.billerError}: a biller error stays pending (RC 105); status says failed`, async () => {
    const { pay, status } = await inquired(numbers.billerError);
    expect(await pay()).toMatchObject({ status: "pending", code: "105" });
    expect(await status()).toMatchObject({ status: "failed", reason: "provider_error", code: "105" });
  });
});

describe("IAK round trip: check status of a ref never paid", () => {
  it("reads as not received", async () => {
    const rt = await roundTrip();
    const ref = rt.ref();
    await rt.iak.inquire({ ref, product: "bpjs-kesehatan", customerNumber: "8801234560000", months: 1 });
    expect(await rt.iak.status({ ref, product: "bpjs-kesehatan", customerNumber: "8801234560000", statusKey: ref })).toEqual({ status: "not_received" });
  });
});
