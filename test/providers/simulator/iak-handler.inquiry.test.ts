import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SIMULATOR_CREDENTIALS } from "../../../src/providers/simulator/credentials.ts";
import { md5, obj, setup, uniqueRef, type Harness } from "./harness.ts";

const { username, apiKey } = SIMULATOR_CREDENTIALS.iak;
const BPJS = (last4: string) => `880123456${last4}`;
const BPJSTK = (last4: string) => `810205101127${last4}`;

let h: Harness;
beforeEach(async () => {
  h = await setup();
});
afterEach(async () => {
  await h.close();
});

describe("IAK inquiry: sandbox numbers", () => {
  const inquiryOutcomes: Array<[string, string, string]> = [];
  for (const [code, make] of [
    ["BPJS", BPJS],
    ["BPJSTK", BPJSTK],
  ] as const) {
    inquiryOutcomes.push(
      [code, make("0000"), "00"],
      [code, make("0001"), "01"],
      [code, make("0014"), "14"],
      [code, make("0103"), "103"],
      [code, make("1037"), "00"],
      [code, make("1039"), "00"],
      [code, make("1105"), "00"],
      [code, make("4242"), "00"],
    );
  }
  inquiryOutcomes.push(
    ["BPJSDENDA", "099994301101", "00"],
    ["BPJSDENDA", "099994301103", "103"],
    ["BPJSDENDA", "099994301104", "01"],
    ["BPJSDENDA", "099994301105", "14"],
    ["BPJSDENDA", "099994301106", "00"],
    ["BPJSDENDA", "099994301107", "00"],
    ["BPJSDENDA", "099994301108", "00"],
    ["BPJSDENDA", "099994301199", "00"],
  );

  it.each(inquiryOutcomes)("%s %s answers RC %s", async (code, hp, rc) => {
    const { status, data, ref } = await h.iakInquiry(code, hp);
    expect(status).toBe(200);
    expect(data).toMatchObject({ response_code: rc, ref_id: ref, code, hp });
    if (rc === "00") {
      expect(data["message"]).toBe("INQUIRY SUCCESS");
      expect(typeof data["tr_id"]).toBe("number");
    } else {
      expect(data["tr_id"]).toBeUndefined();
    }
  });
});

describe("IAK inquiry: bill content", () => {
  it("BPJS: period as two digits, 35.000 × participants × months, admin per month, commission 300", async () => {
    const { data } = await h.iakInquiry("BPJS", BPJS("0000"), { month: "3" });
    const desc = obj(data["desc"]);
    const people = Number(desc["jumlah_peserta"]);
    expect(people).toBeGreaterThanOrEqual(1);
    expect(people).toBeLessThanOrEqual(4);
    expect(typeof desc["jumlah_peserta"]).toBe("string");
    expect(data).toMatchObject({ period: "03", nominal: 35_000 * people * 3, admin: 7_500 });
    expect(data["price"]).toBe(35_000 * people * 3 + 7_500);
    expect(data["selling_price"]).toBe(35_000 * people * 3 + 7_500 - 300);
    expect(desc).toMatchObject({ sisa_pembayaran: "0" });
    expect(String(desc["kode_cabang"])).toMatch(/^\d{4}$/);
  });

  it("is deterministic per number, and tr_ids increase", async () => {
    const a = await h.iakInquiry("BPJS", "8801234565555", { month: 2 });
    const b = await h.iakInquiry("BPJS", "8801234565555", { month: 2 });
    expect(a.data["tr_name"]).toBe(b.data["tr_name"]);
    expect(a.data["desc"]).toEqual(b.data["desc"]);
    expect(Number(b.data["tr_id"])).toBeGreaterThan(Number(a.data["tr_id"]));
  });

  it("BPJSTK: period as the month count, 36.800 a month split into JHT, JKK, JKM", async () => {
    const { data } = await h.iakInquiry("BPJSTK", BPJSTK("0000"), { month: 2 });
    const desc = obj(data["desc"]);
    expect(data).toMatchObject({ period: "2", nominal: 73_600, admin: 2_500, price: 76_100, selling_price: 75_800 });
    expect(Number(desc["jht"]) + Number(desc["jkk"]) + Number(desc["jkm"])).toBe(36_800);
    expect(desc).toMatchObject({ kode_iuran: "", kode_program: "JKK,JKM,JHT", tgl_efektif: "01-05-2026", tgl_expired: "01-07-2026" });
  });

  it("BPJSDENDA: provider-masked name, period 0,1, desc with company", async () => {
    const { data } = await h.iakInquiry("BPJSDENDA", "099994301101");
    expect(data["tr_name"]).toMatch(/\*/);
    expect(data["period"]).toBe("0,1");
    expect(data["admin"]).toBe(2_500);
    expect(Number(data["nominal"])).toBeGreaterThanOrEqual(108_810);
    expect(Object.keys(obj(data["desc"])).sort()).toEqual(["jumlah_peserta", "kode_cabang", "nama_badan_usaha", "nama_cabang", "sisa_pembayaran"]);
    expect(typeof obj(data["desc"])["jumlah_peserta"]).toBe("number");
  });

  it("numbers ending 0999 carry a name full of HTML metacharacters", async () => {
    const { data } = await h.iakInquiry("BPJS", BPJS("0999"));
    expect(data["tr_name"]).toBe('SITI <B>&AMP; "ANI"');
    const denda = await h.iakInquiry("BPJSDENDA", "099994300999");
    expect(String(denda.data["tr_name"])).toContain("<B>&");
  });
});

describe("IAK inquiry: refusals", () => {
  it("a wrong sign answers RC 100", async () => {
    const ref = uniqueRef();
    const { status, data } = await h.iak({
      commands: "inq-pasca",
      username,
      code: "BPJS",
      hp: BPJS("0000"),
      month: 1,
      ref_id: ref,
      sign: md5(username + "wrong-key" + ref),
    });
    expect(status).toBe(200);
    expect(data).toMatchObject({ response_code: "100", message: "INVALID SIGNATURE" });
  });

  it("an unknown username answers RC 100", async () => {
    const ref = uniqueRef();
    const { data } = await h.iak({
      commands: "inq-pasca",
      username: "someone",
      code: "BPJS",
      hp: BPJS("0000"),
      month: 1,
      ref_id: ref,
      sign: md5("someone" + apiKey + ref),
    });
    expect(data["response_code"]).toBe("100");
  });

  it("a reused ref_id answers RC 11, even after a failed inquiry", async () => {
    const first = await h.iakInquiry("BPJS", BPJS("0014"));
    expect(first.data["response_code"]).toBe("14");
    const again = await h.iakInquiry("BPJS", BPJS("0000"), { ref: first.ref });
    expect(again.data["response_code"]).toBe("11");
  });

  it("a non-alphanumeric ref_id answers RC 03", async () => {
    const { data } = await h.iakInquiry("BPJS", BPJS("0000"), { ref: "ref-14_May" });
    expect(data["response_code"]).toBe("03");
  });

  it("an unknown product code answers RC 20", async () => {
    const { data } = await h.iakInquiry("PLNPOSTPAID", "123456789012", { month: 1 });
    expect(data["response_code"]).toBe("20");
  });

  it.each([
    ["BPJS", "88012345X0000"],
    ["BPJS", "880123"],
    ["BPJS", "88012345600000000"],
    ["BPJSTK", "810205101127000"],
    ["BPJSDENDA", "0999 94301101"],
  ])("%s %s is a wrong number (RC 14)", async (code, hp) => {
    const { data } = await h.iakInquiry(code, hp);
    expect(data["response_code"]).toBe("14");
  });

  it.each([[undefined], [0], [13], ["x"]])("BPJS without a valid month (%s) is a 400 with RC 107", async (month) => {
    const ref = uniqueRef();
    const body: Record<string, unknown> = { commands: "inq-pasca", username, code: "BPJS", hp: BPJS("0000"), ref_id: ref, sign: md5(username + apiKey + ref) };
    if (month !== undefined) body["month"] = month;
    const { status, data } = await h.iak(body);
    expect(status).toBe(400);
    expect(data["response_code"]).toBe("107");
    expect(typeof data["error_details"]).toBe("string");
  });

  it("malformed JSON is a 400 with RC 107", async () => {
    const res = await h.post("/api/v1/bill/check", "{not json", { "content-type": "application/json" });
    expect(res.status).toBe(400);
    expect(obj(obj(JSON.parse(res.text))["data"])["response_code"]).toBe("107");
  });

  it("an unknown command answers RC 101", async () => {
    const { data } = await h.iak({ commands: "topup", username, sign: md5(username + apiKey + "x") });
    expect(data["response_code"]).toBe("101");
  });

  it("an unknown path answers 404 with RC 117", async () => {
    const res = await h.post("/api/v1/nope", "{}", { "content-type": "application/json" });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toMatchObject({ data: { response_code: "117" }, meta: [] });
  });
});

describe("IAK price list", () => {
  it("lists the three BPJS codes on /check and /check/bpjs", async () => {
    for (const path of ["/api/v1/bill/check", "/api/v1/bill/check/bpjs"]) {
      const res = await h.post(path, JSON.stringify({ commands: "pricelist-pasca", username, sign: md5(username + apiKey + "pl"), status: "all" }), {
        "content-type": "application/json",
      });
      const body = obj(JSON.parse(res.text));
      expect(body["meta"]).toEqual([]);
      const pasca = obj(body["data"])["pasca"];
      expect(pasca).toEqual([
        expect.objectContaining({ code: "BPJS", status: 1, fee: 2500, komisi: 300 }),
        expect.objectContaining({ code: "BPJSTK", status: 1, fee: 2500, komisi: 300 }),
        expect.objectContaining({ code: "BPJSDENDA", status: 1, fee: 2500, komisi: 300 }),
      ]);
    }
  });

  it("wants its own sign (pl)", async () => {
    const { data } = await h.iak({ commands: "pricelist-pasca", username, sign: md5(username + apiKey + "cs") });
    expect(data["response_code"]).toBe("100");
  });
});
