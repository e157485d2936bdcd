import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { InquiryRequest } from "../../../src/providers/port.ts";
import { inquiry, REF, refusal } from "./fixtures.ts";
import { API_KEY, CHECK_PATH, setup, setupShortTimeout, USERNAME } from "./setup.ts";

const bpjs: InquiryRequest = { ref: REF, product: "bpjs-kesehatan", customerNumber: "8801234560000", months: 2 };

describe("inquire: success per product", () => {
  it("8801234560000 success (BPJS): sends month and the ref_id sign, returns the bill", async () => {
    const s = setup();
    s.answer(200, inquiry["8801234560000 success"]);

    const outcome = await s.client.inquire(bpjs);

    expect(outcome).toEqual({
      status: "success",
      bill: {
        name: "VERGIE",
        period: "02",
        branch: "JAKARTA PUSAT",
        participants: "2",
        amount: 50000,
        adminFee: 2500,
        price: 52500,
        providerCost: 52300,
        payToken: "9732787",
        providerTrId: "9732787",
      },
    });
    expect(s.seen).toHaveLength(1);
    const [req] = s.seen;
    expect(req?.path).toBe(CHECK_PATH);
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.body).toEqual({
      commands: "inq-pasca",
      username: USERNAME,
      code: "BPJS",
      hp: "8801234560000",
      ref_id: REF,
      sign: createHash("md5").update(`${USERNAME}${API_KEY}${REF}`).digest("hex"),
      month: 2,
    });
    expect(req?.body.sign).toBe("85512a1daf229ce287a38433a3b943b9");
  });

  it("8102051011270000 success (BPJSTK): sends month, reads kantor_cabang as the branch", async () => {
    const s = setup();
    s.answer(200, inquiry["8102051011270000 success"]);

    const outcome = await s.client.inquire({
      ref: REF,
      product: "bpjs-ketenagakerjaan",
      customerNumber: "8102051011270000",
      months: 1,
    });

    expect(outcome).toEqual({
      status: "success",
      bill: {
        name: "DWI TAMARA ANGGITA",
        period: "1",
        branch: "JAKARTA SALEMBA",
        amount: 16800,
        adminFee: 3500,
        price: 20300,
        providerCost: 17800,
        payToken: "219342820",
        providerTrId: "219342820",
      },
    });
    expect(s.seen[0]?.body).toMatchObject({ code: "BPJSTK", hp: "8102051011270000", month: 1 });
  });

  it("099994301101 success (BPJSDENDA): no month, keeps the leading zero, numeric jumlah_peserta", async () => {
    const s = setup();
    s.answer(200, inquiry["099994301101 success"]);

    const outcome = await s.client.inquire({ ref: REF, product: "bpjs-denda", customerNumber: "099994301101" });

    expect(outcome).toEqual({
      status: "success",
      bill: {
        name: "RIS** A* DZUH**",
        period: "0,1",
        participants: "1",
        amount: 108810,
        adminFee: 2500,
        price: 111310,
        providerCost: 110160,
        payToken: "239356798",
        providerTrId: "239356798",
      },
    });
    const body = s.seen[0]?.body;
    expect(body).toMatchObject({ code: "BPJSDENDA", hp: "099994301101" });
    expect(body).not.toHaveProperty("month");
  });

  it('8801234560000 success, drifted types: string tr_id and amounts, desc as ""', async () => {
    const s = setup();
    s.answer(200, inquiry["8801234560000 success, drifted types"]);

    const outcome = await s.client.inquire(bpjs);

    expect(outcome).toEqual({
      status: "success",
      bill: {
        name: "VERGIE",
        period: "2",
        amount: 50000,
        adminFee: 2500,
        price: 52500,
        providerCost: 52300,
        payToken: "9732787",
        providerTrId: "9732787",
      },
    });
  });
});

describe("inquire: refusals", () => {
  it("8801234560001 invoice has been paid → already_paid", async () => {
    const s = setup();
    s.answer(200, inquiry["8801234560001 invoice has been paid"]);
    expect(await s.client.inquire({ ...bpjs, customerNumber: "8801234560001" })).toEqual({
      status: "rejected",
      reason: "already_paid",
      code: "01",
      message: "INVOICE HAS BEEN PAID",
    });
  });

  it("8801234560014 incorrect destination number → wrong_number", async () => {
    const s = setup();
    s.answer(200, inquiry["8801234560014 incorrect destination number"]);
    expect(await s.client.inquire({ ...bpjs, customerNumber: "8801234560014" })).toMatchObject({
      status: "rejected",
      reason: "wrong_number",
      code: "14",
    });
  });

  it("8801234560010 bill is not available → no_bill", async () => {
    const s = setup();
    s.answer(200, inquiry["8801234560010 bill is not available"]);
    expect(await s.client.inquire({ ...bpjs, customerNumber: "8801234560010" })).toMatchObject({
      status: "rejected",
      reason: "no_bill",
      code: "10",
    });
  });

  it.each([
    ["34", "already_paid"],
    ["40", "already_paid"],
    ["13", "blocked"],
    ["15", "wrong_number"],
    ["16", "wrong_number"],
    ["108", "wrong_number"],
    ["04", "expired"],
    ["11", "duplicate_ref"],
    ["20", "product_unavailable"],
    ["106", "product_unavailable"],
    ["17", "operator_deposit_low"],
    ["100", "config_error"],
    ["101", "config_error"],
    ["102", "config_error"],
    ["118", "config_error"],
    ["03", "config_error"],
    ["107", "config_error"],
    ["117", "config_error"],
    ["30", "pay_at_counter"],
    ["41", "pay_at_counter"],
    ["32", "must_pay_all_periods"],
    ["37", "failed"],
    ["09", "provider_error"],
    ["999", "provider_error"],
  ])("RC %s → rejected %s", async (rc, reason) => {
    const s = setup();
    s.answer(200, refusal(rc, "SOME MESSAGE"));
    expect(await s.client.inquire(bpjs)).toEqual({ status: "rejected", reason, code: rc, message: "SOME MESSAGE" });
  });

  it("refuses unsupported requests without calling IAK", async () => {
    const s = setup();
    expect(await s.client.inquire({ ...bpjs, months: undefined })).toMatchObject({ status: "rejected", reason: "config_error" });
    expect(await s.client.inquire({ ...bpjs, product: "bpjs-denda" })).toMatchObject({ status: "rejected", reason: "config_error" });
    expect(await s.client.inquire({ ...bpjs, ref: "ref-14_May" })).toMatchObject({ status: "rejected", reason: "config_error" });
    expect(s.seen).toHaveLength(0);
  });

  it("keeps the api key out of an echoed message", async () => {
    const s = setup();
    s.answer(200, refusal("100", `INVALID SIGNATURE for ${API_KEY}`));
    const outcome = await s.client.inquire(bpjs);
    expect(outcome).toMatchObject({ status: "rejected", reason: "config_error", code: "100" });
    expect(JSON.stringify(outcome)).not.toContain(API_KEY);
  });
});

describe("inquire: provider-side faults → unavailable", () => {
  it("8801234560103 time out → unavailable timeout, code kept", async () => {
    const s = setup();
    s.answer(200, inquiry["8801234560103 time out"]);
    expect(await s.client.inquire({ ...bpjs, customerNumber: "8801234560103" })).toEqual({
      status: "unavailable",
      fault: "timeout",
      code: "103",
      message: "TIMEOUT",
    });
  });

  it.each(["110", "109", "05", "39", "201", "91", "92", "33", "105"])("RC %s → unavailable maintenance", async (rc) => {
    const s = setup();
    s.answer(200, refusal(rc, "TRY LATER"));
    expect(await s.client.inquire(bpjs)).toEqual({ status: "unavailable", fault: "maintenance", code: rc, message: "TRY LATER" });
  });

  it("HTTP 500 → unavailable http_status", async () => {
    const s = setup();
    s.answer(500, "<html>Internal Server Error</html>");
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "unavailable", fault: "http_status" });
  });

  it("no answer within the timeout → unavailable timeout", async () => {
    const s = setupShortTimeout();
    s.answer(200, inquiry["8801234560000 success"], { delayMs: 1_000 });
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "unavailable", fault: "timeout" });
  });

  it("connection failure → unavailable network", async () => {
    const s = setup();
    s.failConnection();
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "unavailable", fault: "network" });
  });

  it("malformed JSON → unavailable bad_body", async () => {
    const s = setup();
    s.answer(200, '{"data": {"response_code": "00", ');
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "unavailable", fault: "bad_body" });
  });

  it("an envelope without response_code → unavailable bad_body", async () => {
    const s = setup();
    s.answer(200, { data: { message: "OK" }, meta: [] });
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "unavailable", fault: "bad_body" });
  });

  it("a fractional amount on 00 → unavailable bad_body", async () => {
    const s = setup();
    s.answer(200, inquiry["8801234560000 success, fractional nominal"]);
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "unavailable", fault: "bad_body", code: "00" });
  });

  it("an answer echoing another ref_id → unavailable bad_body", async () => {
    const s = setup();
    s.answer(200, { ...inquiry["8801234560000 success"], data: { ...inquiry["8801234560000 success"].data, ref_id: "OTHER1" } });
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "unavailable", fault: "bad_body" });
  });
});

describe("inquire: the envelope on HTTP 400", () => {
  it("is read by its response code", async () => {
    const s = setup();
    s.answer(400, refusal("14", "INCORRECT DESTINATION NUMBER"));
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "rejected", reason: "wrong_number", code: "14" });
  });

  it("with a maintenance code → unavailable", async () => {
    const s = setup();
    s.answer(400, refusal("110", "SYSTEM UNDER MAINTENANCE"));
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "unavailable", fault: "maintenance", code: "110" });
  });

  it("without an envelope → unavailable http_status", async () => {
    const s = setup();
    s.answer(400, { data: { error_details: "bad request" }, meta: [] });
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "unavailable", fault: "http_status" });
  });
});

describe("inquire: amounts must add up", () => {
  it.each([
    ["price is not nominal + admin", { price: 99999 }],
    ["price is zero", { nominal: 0, admin: 0, price: 0 }],
    ["the deposit would pay more than the payer", { selling_price: 60000 }],
  ])("%s → unavailable bad_body", async (_what, change) => {
    const s = setup();
    const base = inquiry["8801234560000 success"] as { data: Record<string, unknown>; meta: unknown };
    s.answer(200, { ...base, data: { ...base.data, ...change } });
    expect(await s.client.inquire(bpjs)).toMatchObject({ status: "unavailable", fault: "bad_body" });
  });
});

describe("inquire: IAK's own words reach the payer only as a short, clean excerpt", () => {
  it("a 5 KB message is cut to a short excerpt", async () => {
    const s = setup();
    s.answer(200, refusal("09", `INQUIRY GAGAL ${"<b>silakan</b> coba lagi\r\n".repeat(200)}`));
    const outcome = await s.client.inquire(bpjs);
    expect(outcome).toMatchObject({ status: "rejected", reason: "provider_error", code: "09" });
    const message = "message" in outcome ? (outcome.message ?? "") : "";
    expect(message.startsWith("INQUIRY GAGAL silakan coba lagi silakan")).toBe(true);
    expect(Array.from(message).length).toBeLessThanOrEqual(120);
    expect(message).not.toMatch(/[<>\r\n]/);
  });

  it("a database error is not passed on at all", async () => {
    const s = setup();
    s.answer(200, refusal("09", "ORA-01017: invalid username/password; logon denied"));
    expect(await s.client.inquire(bpjs)).toEqual({ status: "rejected", reason: "provider_error", code: "09" });
  });

  it("a 5 KB customer name is bounded on the bill", async () => {
    const s = setup();
    s.answer(200, { ...inquiry["8801234560000 success"], data: { ...inquiry["8801234560000 success"].data, tr_name: "VERGIE ".repeat(700) } });
    const outcome = await s.client.inquire(bpjs);
    if (outcome.status !== "success") throw new Error(outcome.status);
    expect(Array.from(outcome.bill.name).length).toBeLessThanOrEqual(120);
  });
});
