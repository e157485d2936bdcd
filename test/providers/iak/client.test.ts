import { describe, expect, it } from "vitest";
import { ProviderBadBodyError, ProviderHttpError } from "../../../src/providers/errors.ts";
import { createIakClient } from "../../../src/providers/iak/client.ts";
import { priceList, refusal } from "./fixtures.ts";
import { API_KEY, CHECK_PATH, setup, USERNAME } from "./setup.ts";

describe("IAK client", () => {
  it("is named iak by default, or as configured", () => {
    expect(setup().client.name).toBe("iak");
    expect(setup({ name: "simulator" }).client.name).toBe("simulator");
  });

  it.each([
    ["bpjs-kesehatan", 1, true],
    ["bpjs-kesehatan", 12, true],
    ["bpjs-kesehatan", 13, false],
    ["bpjs-kesehatan", 0, false],
    ["bpjs-kesehatan", 1.5, false],
    ["bpjs-kesehatan", undefined, false],
    ["bpjs-ketenagakerjaan", 3, true],
    ["bpjs-ketenagakerjaan", undefined, false],
    ["bpjs-denda", undefined, true],
    ["bpjs-denda", 1, false],
  ] as const)("supports(%s, %s) is %s", (product, months, expected) => {
    expect(setup().client.supports(product, months)).toBe(expected);
  });

  it("allows a pay the response timeout plus the connect timeout", () => {
    expect(setup().client.payTimeoutMs).toBe(40_000);
    expect(setup({ timeoutMs: 5_000 }).client.payTimeoutMs).toBe(15_000);
  });

  it("closes an agent it owns", async () => {
    const client = createIakClient({ baseUrl: "http://127.0.0.1:9", username: USERNAME, apiKey: API_KEY });
    await expect(client.close()).resolves.toBeUndefined();
  });
});

describe("priceList", () => {
  it('posts to /{type} signed with "pl" and returns data.pasca', async () => {
    const s = setup();
    s.answer(200, priceList["type bpjs"], { path: `${CHECK_PATH}/bpjs` });

    const items = await s.client.priceList("bpjs");

    expect(items).toEqual([
      { code: "BPJS", name: "BPJS Kesehatan", status: 1, fee: 2500, komisi: 200, type: "bpjs", category: "bpjs" },
      { code: "BPJSTK", name: "BPJS Ketenagakerjaan", status: 1, fee: 3500, komisi: 1000, type: "bpjs", category: undefined },
      { code: "BPJSDENDA", name: "BPJS Denda", status: 4, fee: 2500, komisi: 1150, type: "bpjs", category: undefined },
    ]);
    expect(s.seen[0]?.body).toEqual({
      commands: "pricelist-pasca",
      username: USERNAME,
      sign: "4b12caea8cd3c001368ca940d038d540",
    });
  });

  it("posts to the bare endpoint without a type", async () => {
    const s = setup();
    s.answer(200, priceList["type bpjs"]);
    expect(await s.client.priceList()).toHaveLength(3);
    expect(s.seen[0]?.path).toBe(CHECK_PATH);
  });

  it("throws on a refusal, with the code but without the key", async () => {
    const s = setup();
    s.answer(200, refusal("100", `INVALID SIGNATURE ${API_KEY}`), { path: `${CHECK_PATH}/bpjs` });
    const err: unknown = await s.client.priceList("bpjs").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderBadBodyError);
    expect((err as Error).message).toContain("RC 100");
    expect((err as Error).message).not.toContain(API_KEY);
  });

  it("throws on HTTP 500", async () => {
    const s = setup();
    s.answer(500, "oops");
    await expect(s.client.priceList()).rejects.toBeInstanceOf(ProviderHttpError);
  });
});
