import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.ts";
import { configProblems as problems } from "./helpers/config-problems.ts";

const IAK = { PROVIDERS: "iak", IAK_USERNAME: "user", IAK_API_KEY: "key" };
const MIDTRANS = { GATEWAY: "midtrans", MIDTRANS_SERVER_KEY: "SB-Mid-server-x", PUBLIC_BASE_URL: "https://loket.example.id" };

describe("parseConfig: the payment gateway (docs/topups.md#configuration)", () => {
  it("defaults to the simulator while PROVIDERS is the simulator, to none with real providers", () => {
    expect(parseConfig({}).gateway.kind).toBe("simulator");
    expect(parseConfig(IAK).gateway).toEqual({ kind: "none", midtrans: null, publicBaseUrl: null });
    expect(parseConfig({ GATEWAY: "none" }).gateway.kind).toBe("none");
  });

  it("reads Midtrans: the key, the sandbox by default, the public address (a trailing slash dropped)", () => {
    const c = parseConfig({ ...IAK, ...MIDTRANS, PUBLIC_BASE_URL: "https://loket.example.id/" });
    expect(c.gateway).toEqual({
      kind: "midtrans",
      midtrans: { serverKey: "SB-Mid-server-x", baseUrl: "https://api.sandbox.midtrans.com" },
      publicBaseUrl: "https://loket.example.id",
    });
    expect(parseConfig({ ...IAK, ...MIDTRANS, MIDTRANS_BASE_URL: "https://api.midtrans.com" }).gateway.midtrans!.baseUrl).toBe("https://api.midtrans.com");
  });

  it("midtrans needs a server key and a public address, reported with the other problems", () => {
    expect(problems({ ...IAK, GATEWAY: "midtrans", TOPUP_MIN: "abc" })).toEqual([
      "TOPUP_MIN: must be a whole number of rupiah",
      expect.stringMatching(/^MIDTRANS_SERVER_KEY: required when GATEWAY is midtrans/),
      expect.stringMatching(/^PUBLIC_BASE_URL: required when GATEWAY is midtrans/),
    ]);
  });

  it("refuses the simulated gateway beside real providers, and unknown gateways", () => {
    expect(problems({ ...IAK, GATEWAY: "simulator" })).toEqual([
      expect.stringMatching(/^GATEWAY: simulator is only allowed when PROVIDERS is exactly simulator/),
    ]);
    expect(problems({ GATEWAY: "xendit" })).toEqual([expect.stringMatching(/^GATEWAY: must be one of simulator, midtrans, none/)]);
  });

  it("reads the top-up limits, methods (in order) and expiry", () => {
    const c = parseConfig({ TOPUP_MIN: "20000", TOPUP_MAX: "5000000", TOPUP_METHODS: "bca_va, qris ,permata_va", TOPUP_EXPIRY_MINUTES: "60" });
    expect(c.topup).toEqual({ min: 20_000, max: 5_000_000, methods: ["bca_va", "qris", "permata_va"], expiryMs: 3_600_000 });
  });

  it.each([
    [{ TOPUP_MIN: "0" }, "TOPUP_MIN: must be at least 1 rupiah"],
    [{ TOPUP_MIN: "-5" }, "TOPUP_MIN: must be a whole number of rupiah"],
    [{ TOPUP_MIN: "60000", TOPUP_MAX: "50000" }, "TOPUP_MIN: must not exceed TOPUP_MAX"],
    [{ TOPUP_MAX: "10000001" }, "TOPUP_MAX: must be at most 10000000 while TOPUP_METHODS offers qris (Bank Indonesia's cap on one QRIS payment)"],
    [{ TOPUP_METHODS: "gopay" }, "TOPUP_METHODS.0: each method must be one of qris, bca_va, bni_va, bri_va, permata_va"],
    [{ TOPUP_METHODS: "qris,qris" }, "TOPUP_METHODS: lists a method twice"],
    [{ TOPUP_METHODS: " , " }, "TOPUP_METHODS: must list at least one method"],
    [{ TOPUP_EXPIRY_MINUTES: "0" }, "TOPUP_EXPIRY_MINUTES: must be a positive whole number"],
    [{ TOPUP_EXPIRY_MINUTES: "1441" }, "TOPUP_EXPIRY_MINUTES: must be at most 1440 (24 hours)"],
    [{ PUBLIC_BASE_URL: "loket.example.id" }, "PUBLIC_BASE_URL: must be an http:// or https:// URL"],
    [{ PUBLIC_BASE_URL: "https://loket.example.id/?a=1" }, "PUBLIC_BASE_URL: must be scheme + host only (no path, query or fragment)"],
    [{ MIDTRANS_BASE_URL: "https://api.midtrans.com/v2" }, "MIDTRANS_BASE_URL: must be scheme + host only (no path, query or fragment)"],
  ])("refuses %j", (env, problem) => {
    expect(problems(env)).toContain(problem);
  });

  it("allows a larger TOPUP_MAX when QRIS is not offered (virtual accounts only)", () => {
    expect(parseConfig({ TOPUP_METHODS: "bca_va", TOPUP_MAX: "50000000" }).topup.max).toBe(50_000_000);
  });
});
