import { describe, expect, it } from "vitest";
import type { ProductId } from "../../src/domain/products.ts";
import type { InquiryOutcome, InquiryRequest, PaymentProvider, ProviderName } from "../../src/providers/port.ts";
import { createEspayClient } from "../../src/providers/espay/client.ts";
import { createIakClient } from "../../src/providers/iak/client.ts";
import { createProviderRouter } from "../../src/providers/router.ts";
import { SIMULATOR_CREDENTIALS } from "../../src/providers/simulator/credentials.ts";

/** A provider that supports what it is told and answers inquiries from a script, recording each call. */
function fakeProvider(name: ProviderName, supports: (product: ProductId, months: number | undefined) => boolean, answer: InquiryOutcome) {
  const inquiries: InquiryRequest[] = [];
  const provider: PaymentProvider = {
    name,
    supports,
    async inquire(req) {
      inquiries.push(req);
      return answer;
    },
    async pay() {
      throw new Error("the router never pays");
    },
    async status() {
      throw new Error("the router never asks status");
    },
    statusKeyBeforePay: (ref) => ref,
    payTimeoutMs: 1_000,
    async close() {},
  };
  return { provider, inquiries };
}

const BILL: InquiryOutcome = {
  status: "success",
  bill: { name: "ONI", period: "01", amount: 35_000, adminFee: 2_500, price: 37_500, payToken: "1" },
};
const everything = () => true;
/** Like Espay: BPJS Kesehatan for one month only. */
const kesehatanOneMonth = (product: ProductId, months: number | undefined) => product === "bpjs-kesehatan" && months === 1;
/** Like IAK: every product, months 1–12 where the product has months. */
const iakLike = (product: ProductId, months: number | undefined) =>
  product === "bpjs-denda" ? months === undefined : months !== undefined && months >= 1 && months <= 12;

const kesehatan = (months: number): InquiryRequest => ({ ref: "LK1", product: "bpjs-kesehatan", customerNumber: "8801234560000", months });

describe("provider router", () => {
  it("lets the first capable provider in PROVIDERS order serve", async () => {
    const espay = fakeProvider("espay", kesehatanOneMonth, BILL);
    const iak = fakeProvider("iak", iakLike, BILL);
    const router = createProviderRouter([espay.provider, iak.provider]);
    expect(await router.inquire(kesehatan(1))).toEqual({ provider: "espay", outcome: BILL });
    expect(iak.inquiries).toEqual([]);
  });

  it("sends what Espay cannot serve (more months, other products) to the next capable provider", async () => {
    const espay = fakeProvider("espay", kesehatanOneMonth, BILL);
    const iak = fakeProvider("iak", iakLike, BILL);
    const router = createProviderRouter([espay.provider, iak.provider]);
    expect((await router.inquire(kesehatan(3))).provider).toBe("iak");
    expect((await router.inquire({ ref: "LK2", product: "bpjs-denda", customerNumber: "099994301101" })).provider).toBe("iak");
    expect((await router.inquire({ ref: "LK3", product: "bpjs-ketenagakerjaan", customerNumber: "8102051011270000", months: 1 })).provider).toBe("iak");
    expect(espay.inquiries).toEqual([]);
    expect(router.capable("bpjs-kesehatan", 1).map((p) => p.name)).toEqual(["espay", "iak"]);
    expect(router.capable("bpjs-kesehatan", 2).map((p) => p.name)).toEqual(["iak"]);
  });

  it.each(["timeout", "network", "http_status", "bad_body", "maintenance"] as const)(
    "fails an inquiry over to the next capable provider on unavailable (%s)",
    async (fault) => {
      const first = fakeProvider("espay", kesehatanOneMonth, { status: "unavailable", fault });
      const second = fakeProvider("iak", iakLike, BILL);
      const router = createProviderRouter([first.provider, second.provider]);
      expect(await router.inquire(kesehatan(1))).toEqual({ provider: "iak", outcome: BILL });
      expect(first.inquiries).toHaveLength(1);
      expect(second.inquiries).toEqual([kesehatan(1)]);
    },
  );

  it("does not fail over on a rejection: the bill itself was refused", async () => {
    const rejected: InquiryOutcome = { status: "rejected", reason: "already_paid", code: "01" };
    const first = fakeProvider("iak", iakLike, rejected);
    const second = fakeProvider("simulator", everything, BILL);
    const router = createProviderRouter([first.provider, second.provider]);
    expect(await router.inquire(kesehatan(1))).toEqual({ provider: "iak", outcome: rejected });
    expect(second.inquiries).toEqual([]);
  });

  it("returns the last provider's fault when every capable one is unavailable", async () => {
    const first = fakeProvider("espay", kesehatanOneMonth, { status: "unavailable", fault: "timeout" });
    const second = fakeProvider("iak", iakLike, { status: "unavailable", fault: "maintenance", code: "110" });
    const router = createProviderRouter([first.provider, second.provider]);
    expect(await router.inquire(kesehatan(1))).toEqual({ provider: "iak", outcome: { status: "unavailable", fault: "maintenance", code: "110" } });
  });

  it("answers unavailable without calling anyone when no provider is capable", async () => {
    const espay = fakeProvider("espay", kesehatanOneMonth, BILL);
    const router = createProviderRouter([espay.provider]);
    expect(await router.inquire(kesehatan(2))).toMatchObject({ provider: null, outcome: { status: "unavailable" } });
    expect(espay.inquiries).toEqual([]);
  });

  it("offers the months some configured provider supports", () => {
    const espayOnly = createProviderRouter([fakeProvider("espay", kesehatanOneMonth, BILL).provider]);
    expect(espayOnly.monthsOffered("bpjs-kesehatan")).toEqual([1]);
    expect(espayOnly.monthsOffered("bpjs-ketenagakerjaan")).toEqual([]);
    expect(espayOnly.monthsOffered("bpjs-denda")).toEqual([]);
    const both = createProviderRouter([fakeProvider("espay", kesehatanOneMonth, BILL).provider, fakeProvider("iak", iakLike, BILL).provider]);
    expect(both.monthsOffered("bpjs-kesehatan")).toEqual([1, 2, 3, 6, 12]);
    expect(both.monthsOffered("bpjs-ketenagakerjaan")).toEqual([1, 2, 3, 6, 12]);
  });

  it("offers only products some provider serves and that are not switched off", () => {
    const espayOnly = createProviderRouter([fakeProvider("espay", kesehatanOneMonth, BILL).provider]);
    expect(espayOnly.isOffered("bpjs-kesehatan")).toBe(true);
    expect(espayOnly.isOffered("bpjs-ketenagakerjaan")).toBe(false);
    expect(espayOnly.isOffered("bpjs-denda")).toBe(false);

    const off = new Set<ProductId>(["bpjs-denda"]);
    const iak = createProviderRouter([fakeProvider("iak", iakLike, BILL).provider], (p) => !off.has(p));
    expect(iak.isOffered("bpjs-denda")).toBe(false);
    expect(iak.isOffered("bpjs-kesehatan")).toBe(true);
    // The switch is read on every call: turning it back on takes effect at once.
    off.delete("bpjs-denda");
    expect(iak.isOffered("bpjs-denda")).toBe(true);
  });

  it("finds providers by name for pay and status, which are never routed", () => {
    const espay = fakeProvider("espay", kesehatanOneMonth, BILL).provider;
    const iak = fakeProvider("iak", iakLike, BILL).provider;
    const router = createProviderRouter([espay, iak]);
    expect(router.get("iak")).toBe(iak);
    expect(router.get("simulator")).toBeUndefined();
  });

  it("with the real clients: Espay serves Kesehatan for one month only, IAK the rest", async () => {
    // No request is made: only supports() is asked. The port is unused on purpose.
    const espay = createEspayClient({ baseUrl: "http://127.0.0.1:9", ...SIMULATOR_CREDENTIALS.espay });
    const iak = createIakClient({ baseUrl: "http://127.0.0.1:9", ...SIMULATOR_CREDENTIALS.iak });
    try {
      const router = createProviderRouter([espay, iak]);
      expect(router.capable("bpjs-kesehatan", 1).map((p) => p.name)).toEqual(["espay", "iak"]);
      for (const months of [2, 3, 6, 12]) expect(router.capable("bpjs-kesehatan", months).map((p) => p.name)).toEqual(["iak"]);
      expect(router.capable("bpjs-ketenagakerjaan", 1).map((p) => p.name)).toEqual(["iak"]);
      expect(router.capable("bpjs-denda", undefined).map((p) => p.name)).toEqual(["iak"]);
      expect(router.capable("bpjs-denda", 1)).toEqual([]);
      expect(router.capable("bpjs-kesehatan", 13)).toEqual([]);
      expect(createProviderRouter([espay]).monthsOffered("bpjs-kesehatan")).toEqual([1]);
    } finally {
      await espay.close();
      await iak.close();
    }
  });
});

describe("router: the number gate", () => {
  it("refuses a masked or mangled number before any provider sees it", async () => {
    let calls = 0;
    const provider = {
      name: "iak",
      supports: () => true,
      inquire: async () => {
        calls++;
        return { status: "unavailable", fault: "network" } as const;
      },
    } as unknown as PaymentProvider;
    const router = createProviderRouter([provider]);
    for (const number of ["*********0103", "880123456", "88012345600001234567", " 8801234560000", "8801-234560000"]) {
      const out = await router.inquire({ ref: "LK000000000001", product: "bpjs-kesehatan", customerNumber: number, months: 1 });
      expect(out.outcome).toMatchObject({ status: "rejected", reason: "wrong_number" });
    }
    expect(calls).toBe(0);
  });
});
