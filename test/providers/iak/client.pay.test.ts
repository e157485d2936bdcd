import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { PayRequest } from "../../../src/providers/port.ts";
import { envelope, pay, REF, refusal, TR_ID } from "./fixtures.ts";
import { API_KEY, CHECK_PATH, setup, setupShortTimeout, USERNAME } from "./setup.ts";

const req: PayRequest = {
  ref: REF,
  product: "bpjs-kesehatan",
  customerNumber: "8801234560000",
  months: 2,
  payToken: String(TR_ID),
};

describe("pay: success", () => {
  it("8801234560000 success: sends tr_id as a number signed over its decimal string, returns the receipt", async () => {
    const s = setup();
    s.answer(200, pay["8801234560000 success"]);

    const outcome = await s.client.pay(req);

    expect(outcome).toEqual({
      status: "success",
      statusKey: REF,
      receipt: {
        providerRef: "148732328035714773",
        providerTime: "20180803170750",
        price: 52500,
        providerCost: 52300,
        depositBalance: 999490800,
        name: "VERGIE",
        period: "02",
      },
    });
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]?.path).toBe(CHECK_PATH);
    expect(s.seen[0]?.body).toEqual({
      commands: "pay-pasca",
      username: USERNAME,
      tr_id: TR_ID,
      sign: createHash("md5").update(`${USERNAME}${API_KEY}${TR_ID}`).digest("hex"),
    });
    expect(s.seen[0]?.body.sign).toBe("9386f0f492f209e3eba5017365087f85");
  });

  it("a success answer that starts with a UTF-8 byte order mark is still a success, not a malformed body left pending", async () => {
    const s = setup();
    s.answer(200, `\uFEFF${JSON.stringify(pay["8801234560000 success"])}`);
    const outcome = await s.client.pay(req);
    expect(outcome).toMatchObject({ status: "success", receipt: { providerRef: "148732328035714773" } });
  });

  it("sends a non-numeric token as a string", async () => {
    const s = setup();
    s.answer(200, envelope({ ...pay["8801234560000 success"].data, tr_id: "TRX9732787" }));
    await s.client.pay({ ...req, payToken: "TRX9732787" });
    expect(s.seen[0]?.body.tr_id).toBe("TRX9732787");
  });

  it("the status key is our own ref, known before paying", () => {
    const s = setup();
    expect(s.client.statusKeyBeforePay(REF)).toBe(REF);
  });
});

describe("pay: final refusals (nothing moved)", () => {
  it.each([
    ["03", "config_error"],
    ["04", "expired"],
    ["06", "expired"],
    ["11", "duplicate_ref"],
    ["17", "operator_deposit_low"],
    ["20", "product_unavailable"],
    ["100", "config_error"],
    ["101", "config_error"],
    ["102", "config_error"],
    ["107", "config_error"],
    ["117", "config_error"],
    ["118", "config_error"],
    ["01", "already_paid"],
    ["34", "already_paid"],
    ["40", "already_paid"],
  ])("RC %s → rejected %s", async (rc, reason) => {
    const s = setup();
    s.answer(200, refusal(rc, "REFUSED"));
    expect(await s.client.pay(req)).toEqual({ status: "rejected", reason, code: rc, message: "REFUSED" });
    expect(s.seen).toHaveLength(1);
  });

  it("an up-front refusal on HTTP 400 is final too", async () => {
    const s = setup();
    s.answer(400, refusal("17", "BALANCE NOT ENOUGH"));
    expect(await s.client.pay(req)).toMatchObject({ status: "rejected", reason: "operator_deposit_low", code: "17" });
  });
});

describe("pay: anything else is pending, keyed by our ref, and never retried", () => {
  it("8801234561037 payment failed → pending", async () => {
    const s = setup();
    s.answer(200, pay["8801234561037 payment failed"]);
    expect(await s.client.pay(req)).toEqual({ status: "pending", statusKey: REF, code: "37", message: "PEMBAYARAN GAGAL" });
  });

  it("8801234561039 pending → pending", async () => {
    const s = setup();
    s.answer(200, pay["8801234561039 pending"]);
    expect(await s.client.pay(req)).toMatchObject({ status: "pending", statusKey: REF, code: "39" });
  });

  it("8801234561105 misc error / biller system error → pending", async () => {
    const s = setup();
    s.answer(200, pay["8801234561105 misc error / biller system error"]);
    expect(await s.client.pay(req)).toMatchObject({ status: "pending", statusKey: REF, code: "105" });
  });

  it.each(["103", "05", "201", "91", "92", "33", "38", "14", "999"])("RC %s → pending", async (rc) => {
    const s = setup();
    s.answer(200, refusal(rc, "SOMETHING"));
    expect(await s.client.pay(req)).toEqual({ status: "pending", statusKey: REF, code: rc, message: "SOMETHING" });
    expect(s.seen).toHaveLength(1);
  });

  it("RC 37 on HTTP 400 → pending", async () => {
    const s = setup();
    s.answer(400, pay["8801234561037 payment failed"]);
    expect(await s.client.pay(req)).toMatchObject({ status: "pending", statusKey: REF, code: "37" });
  });

  it("RC 00 on HTTP 400 contradicts itself → pending", async () => {
    const s = setup();
    s.answer(400, pay["8801234560000 success"]);
    expect(await s.client.pay(req)).toMatchObject({ status: "pending", statusKey: REF, fault: "http_status" });
  });

  it("HTTP 502 → pending http_status, one request only", async () => {
    const s = setup();
    s.answer(502, "Bad Gateway");
    expect(await s.client.pay(req)).toMatchObject({ status: "pending", statusKey: REF, fault: "http_status" });
    expect(s.seen).toHaveLength(1);
  });

  it("no answer within the timeout → pending timeout, one request only", async () => {
    const s = setupShortTimeout();
    s.answer(200, pay["8801234560000 success"], { delayMs: 1_000 });
    expect(await s.client.pay(req)).toMatchObject({ status: "pending", statusKey: REF, fault: "timeout" });
    expect(s.seen).toHaveLength(1);
  });

  it("connection failure → pending network", async () => {
    const s = setup();
    s.failConnection();
    expect(await s.client.pay(req)).toMatchObject({ status: "pending", statusKey: REF, fault: "network" });
  });

  it("malformed JSON → pending bad_body", async () => {
    const s = setup();
    s.answer(200, "<mp><response_code>00</response_code></mp>");
    expect(await s.client.pay(req)).toMatchObject({ status: "pending", statusKey: REF, fault: "bad_body" });
  });

  it("RC 00 with a fractional price → pending bad_body", async () => {
    const s = setup();
    s.answer(200, envelope({ ...pay["8801234560000 success"].data, price: "52500.5" }));
    expect(await s.client.pay(req)).toMatchObject({ status: "pending", statusKey: REF, fault: "bad_body", code: "00" });
  });

  it("RC 00 about another tr_id → pending bad_body", async () => {
    const s = setup();
    s.answer(200, envelope({ ...pay["8801234560000 success"].data, tr_id: 1234 }));
    expect(await s.client.pay(req)).toMatchObject({ status: "pending", fault: "bad_body" });
  });
});
