import { describe, expect, it } from "vitest";
import type { StatusRequest } from "../../../src/providers/port.ts";
import { envelope, REF, refusal, status } from "./fixtures.ts";
import { CHECK_PATH, setup, setupShortTimeout, USERNAME } from "./setup.ts";

const req: StatusRequest = { ref: REF, product: "bpjs-kesehatan", customerNumber: "8801234560000", statusKey: REF };

describe("status", () => {
  it('8801234560000 payment success (status 1) → success with the receipt; signed with "cs"', async () => {
    const s = setup();
    s.answer(200, status["8801234560000 payment success (status 1)"]);

    expect(await s.client.status(req)).toEqual({
      status: "success",
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
    expect(s.seen[0]?.path).toBe(CHECK_PATH);
    expect(s.seen[0]?.body).toEqual({
      commands: "checkstatus",
      username: USERNAME,
      ref_id: REF,
      sign: "e32999d6e611cac5bd3e83d96221b1a5",
    });
  });

  it('status as a string "1" counts', async () => {
    const s = setup();
    s.answer(200, envelope({ ...status["8801234560000 payment success (status 1)"].data, status: "1" }));
    expect(await s.client.status(req)).toMatchObject({ status: "success" });
  });

  it("8801234561037 payment failed (status 2) → failed", async () => {
    const s = setup();
    s.answer(200, status["8801234561037 payment failed (status 2)"]);
    expect(await s.client.status(req)).toEqual({ status: "failed", reason: "failed", code: "37", message: "PEMBAYARAN GAGAL" });
  });

  it("status 2 takes its reason from the code table", async () => {
    const s = setup();
    s.answer(200, refusal("34", "BILL HAS BEEN PAID", { status: 2 }));
    expect(await s.client.status(req)).toMatchObject({ status: "failed", reason: "already_paid", code: "34" });
  });

  it("8801234560000 payment request not received (status 0) → not_received", async () => {
    const s = setup();
    s.answer(200, status["8801234560000 payment request not received (status 0)"]);
    expect(await s.client.status(req)).toEqual({ status: "not_received" });
  });

  it("RC 42 without a status field → not_received", async () => {
    const s = setup();
    s.answer(200, refusal("42", "REQUEST PEMBAYARAN BELUM DITERIMA"));
    expect(await s.client.status(req)).toEqual({ status: "not_received" });
  });

  it("8801234561039 payment in process (status 3) → pending", async () => {
    const s = setup();
    s.answer(200, status["8801234561039 payment in process (status 3)"]);
    expect(await s.client.status(req)).toMatchObject({ status: "pending", code: "39" });
  });

  it.each([
    ["status 1 with RC 39", 1, "39"],
    ["status 2 with RC 39", 2, "39"],
    ["status 2 with RC 00", 2, "00"],
    ["status 0 with RC 00", 0, "00"],
    ["status 9 with RC 37", 9, "37"],
  ])("a contradiction (%s) stays pending", async (_name, st, rc) => {
    const s = setup();
    s.answer(200, refusal(rc, "HUH", { status: st }));
    expect(await s.client.status(req)).toMatchObject({ status: "pending", code: rc });
  });

  it("a refusal without a status (RC 100) → pending, code kept", async () => {
    const s = setup();
    s.answer(400, refusal("100", "INVALID SIGNATURE"));
    expect(await s.client.status(req)).toEqual({ status: "pending", code: "100", message: "INVALID SIGNATURE" });
  });

  it("status 1 with an unreadable amount → pending bad_body", async () => {
    const s = setup();
    s.answer(200, envelope({ ...status["8801234560000 payment success (status 1)"].data, selling_price: "x" }));
    expect(await s.client.status(req)).toMatchObject({ status: "pending", fault: "bad_body" });
  });

  it("an answer about another ref_id → pending bad_body", async () => {
    const s = setup();
    s.answer(200, envelope({ ...status["8801234560000 payment success (status 1)"].data, ref_id: "OTHER1" }));
    expect(await s.client.status(req)).toMatchObject({ status: "pending", fault: "bad_body" });
  });

  it("malformed body → pending bad_body", async () => {
    const s = setup();
    s.answer(200, "not json");
    expect(await s.client.status(req)).toMatchObject({ status: "pending", fault: "bad_body" });
  });

  it("HTTP 503 → pending http_status", async () => {
    const s = setup();
    s.answer(503, "");
    expect(await s.client.status(req)).toMatchObject({ status: "pending", fault: "http_status" });
  });

  it("no answer within the timeout → pending timeout", async () => {
    const s = setupShortTimeout();
    s.answer(200, status["8801234560000 payment success (status 1)"], { delayMs: 1_000 });
    expect(await s.client.status(req)).toMatchObject({ status: "pending", fault: "timeout" });
  });
});

describe("status: 'never received' only in IAK's own words", () => {
  it.each(["91", "92", "100", "105", "07"])("status 0 with RC %s stays pending (no refund on a guess)", async (rc) => {
    const s = setup();
    s.answer(200, envelope({ ...status["8801234560000 payment success (status 1)"].data, status: 0, response_code: rc }));
    expect(await s.client.status(req)).toMatchObject({ status: "pending" });
  });
});
