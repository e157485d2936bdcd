import { afterEach, beforeEach, expect, it } from "vitest";
import { setup, type Harness } from "./harness.ts";

let h: Harness;
beforeEach(async () => {
  h = await setup({ settleAfterMs: 60_000, initialDeposit: 3_000_000 });
});
afterEach(async () => {
  await h.close();
});

async function control(method: "GET" | "POST", path: string, body?: unknown) {
  const res = await fetch(h.sim.url + path, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

it("GET /__sim/pay-calls lists every inquiry paid at least once", async () => {
  expect((await control("GET", "/__sim/pay-calls")).body).toEqual([]);
  const inq = await h.iakInquiry("BPJS", "8801234560000");
  await h.iakInquiry("BPJS", "8801234565555"); // inquired, never paid: not listed
  await h.iakPay(inq.data["tr_id"]);
  await h.iakPay(inq.data["tr_id"]);
  const { status, body } = await control("GET", "/__sim/pay-calls");
  expect(status).toBe(200);
  expect(body).toEqual([
    {
      protocol: "iak",
      ref: inq.ref,
      customerNumber: "8801234560000",
      payCount: 2,
      status: "success",
      productCode: "BPJS",
      providerRef: String(inq.data["tr_id"]),
    },
  ]);
});

it("POST /__sim/settle settles a pending payment; unknown refs are 404", async () => {
  const inq = await h.iakInquiry("BPJS", "8801234561039");
  await h.iakPay(inq.data["tr_id"]);
  expect(await control("POST", "/__sim/settle", { ref: inq.ref, outcome: "failed" })).toEqual({ status: 200, body: { settled: true } });
  expect((await h.iakStatus(inq.ref)).data).toMatchObject({ status: 2, response_code: "37" });
  expect(await control("POST", "/__sim/settle", { ref: inq.ref, outcome: "success" })).toEqual({ status: 200, body: { settled: false } });
  expect((await control("POST", "/__sim/settle", { ref: "NOPE", outcome: "success" })).status).toBe(404);
  expect((await control("POST", "/__sim/settle", { ref: inq.ref, outcome: "maybe" })).status).toBe(400);
});

it("POST /__sim/deposit sets the operator deposit; GET reads it", async () => {
  expect((await control("GET", "/__sim/deposit")).body).toEqual({ rupiah: 3_000_000 });
  expect(await control("POST", "/__sim/deposit", { rupiah: 10 })).toEqual({ status: 200, body: { rupiah: 10 } });
  const inq = await h.iakInquiry("BPJS", "8801234560000");
  expect((await h.iakPay(inq.data["tr_id"])).data["response_code"]).toBe("17");
  expect((await control("POST", "/__sim/deposit", { rupiah: -1 })).status).toBe(400);
});
