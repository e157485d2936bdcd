import { describe, expect, it } from "vitest";
import { formatRupiah, parseRupiah } from "../../src/domain/money.ts";
import { maskDigits, maskName } from "../../src/domain/mask.ts";
import { checkCustomerNumber } from "../../src/domain/products.ts";
import { parseChoice } from "../../src/domain/conversation/choice-ids.ts";
import { parseCommand } from "../../src/domain/conversation/commands.ts";
import { readSession, SESSION_VERSION } from "../../src/domain/conversation/session.ts";
import { nextCheckDelayMs } from "../../src/domain/payments/status-check-schedule.ts";
import { endOfWibDay, formatWib, startOfWibMonth, wibDate } from "../../src/domain/wib-time.ts";
import { createRateLimiter } from "../../src/domain/rate-limiter.ts";
import { mintRef, looksLikeRef } from "../../src/domain/ref.ts";
import { htmlToPlain } from "../../src/transports/plain-text.ts";

describe("money", () => {
  it("formats rupiah one way", () => {
    expect(formatRupiah(105000)).toBe("Rp105.000");
    expect(formatRupiah(0)).toBe("Rp0");
    expect(formatRupiah(1234567)).toBe("Rp1.234.567");
    expect(formatRupiah(-2500)).toBe("-Rp2.500");
    expect(() => formatRupiah(1.5)).toThrow();
  });
  it.each([
    ["50000", 50000], ["50.000", 50000], ["Rp50.000", 50000], ["rp 50.000", 50000], ["50rb", 50000], ["50 ribu", 50000],
    ["50k", 50000], ["1,5jt", 1500000], ["2 juta", 2000000], ["1.000.000", 1000000],
  ])("parses %s", (text, value) => expect(parseRupiah(text)).toBe(value));
  it.each(["", "abc", "50.00", "5,0000", "-5", "0", "1.5", "50rbu", "1e6", "99999999999999999999"])("refuses %s", (text) => expect(parseRupiah(text)).toBeNull());
  it("accepts a sign only when asked", () => {
    expect(parseRupiah("-5000", { signed: true })).toBe(-5000);
    expect(parseRupiah("+5rb", { signed: true })).toBe(5000);
    expect(parseRupiah("-5000")).toBeNull();
  });
});

describe("masking", () => {
  it("keeps two letters of each word", () => {
    expect(maskName("ONI SAPUTRA")).toBe("ON* SA*****");
    expect(maskName("A BUDI")).toBe("A BU**");
    expect(maskName("AB")).toBe("A*");
  });
  it("keeps a provider's own masking", () => expect(maskName("RIS** A* DZUH**")).toBe("RIS** A* DZUH**"));
  it("masks a NIK to its last four digits", () => expect(maskDigits("8102051011270000")).toBe("************0000"));
});

describe("customer numbers", () => {
  it("strips spaces and dashes, keeps leading zeros", () => {
    expect(checkCustomerNumber("bpjs-denda", "0999-9430 1101")).toEqual({ ok: true, number: "099994301101" });
  });
  it("applies per-product lengths", () => {
    expect(checkCustomerNumber("bpjs-ketenagakerjaan", "810205101127000")).toEqual({ ok: false, problem: "wrong_length" });
    expect(checkCustomerNumber("bpjs-kesehatan", "123456789")).toEqual({ ok: false, problem: "too_short" });
    expect(checkCustomerNumber("bpjs-kesehatan", "12345678901234567")).toEqual({ ok: false, problem: "too_long" });
    expect(checkCustomerNumber("bpjs-kesehatan", "88012345600O0")).toEqual({ ok: false, problem: "not_digits" });
  });
});

describe("choices and commands", () => {
  it("parses only well-formed choice ids", () => {
    expect(parseChoice("product:bpjs-kesehatan")).toEqual({ kind: "product", product: "bpjs-kesehatan" });
    expect(parseChoice("pay:LK0123456789AB")).toEqual({ kind: "pay", ref: "LK0123456789AB" });
    for (const bad of ["product:x", "months:13", "pay:LK01", "pay:LK0123456789AB ", "saved:0", "saved:-1", "lang:fr", "x".repeat(100), "topup:approve:01"]) {
      expect(parseChoice(bad)).toBeNull();
    }
  });
  it("recognises commands with and without a slash, in both languages", () => {
    expect(parseCommand("/saldo")).toMatchObject({ kind: "payer", name: "balance" });
    expect(parseCommand("balance")).toMatchObject({ kind: "payer", name: "balance" });
    expect(parseCommand("/saldo@LoketBot")).toMatchObject({ kind: "payer", name: "balance" });
    expect(parseCommand("status LK0123456789AB")).toMatchObject({ kind: "payer", name: "status", args: ["LK0123456789AB"] });
    expect(parseCommand("/topup U1 5")).toMatchObject({ kind: "admin", name: "topup" });
    expect(parseCommand("topup U1 5")).toBeNull();
    expect(parseCommand("/nope")).toMatchObject({ kind: "unknown" });
    expect(parseCommand("8801234560000")).toBeNull();
    expect(parseCommand("saldo saya berapa")).toBeNull();
  });
});

describe("session rows", () => {
  it("resets politely on another version or junk", () => {
    expect(readSession({ version: SESSION_VERSION + 1, state: "{}" }, 1).reset).toBe(true);
    expect(readSession({ version: SESSION_VERSION, state: "not json" }, 1).reset).toBe(true);
    expect(readSession({ version: SESSION_VERSION, state: JSON.stringify({ step: "flying", nonce: 0, menu: [], at: 1 }) }, 1).reset).toBe(true);
    expect(readSession(undefined, 1)).toEqual({ state: { step: "idle", nonce: 0, menu: [], at: 1 }, reset: false, first: true });
  });
});

describe("reconciler backoff", () => {
  it("doubles from 10 s after the first 5 s check, capped at 10 minutes", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map((a) => nextCheckDelayMs(a))).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000, 600_000]);
  });
});

describe("WIB time", () => {
  it("knows the WIB day and its end", () => {
    const t = Date.UTC(2026, 10, 22, 16, 59); // 23:59 WIB
    expect(wibDate(t)).toBe("2026-11-22");
    expect(endOfWibDay(t)).toBe(Date.UTC(2026, 10, 22, 17, 0));
    expect(wibDate(Date.UTC(2026, 10, 22, 17, 0))).toBe("2026-11-23");
    expect(formatWib(t)).toBe("22-11-2026 23:59 WIB");
    expect(startOfWibMonth(Date.UTC(2026, 10, 30, 18, 0))).toBe(Date.UTC(2026, 10, 30, 17, 0)); // 1 December WIB
  });
});

describe("small pieces", () => {
  it("rate-limits within a sliding window", () => {
    let now = 0;
    const rl = createRateLimiter({ limit: 2, windowMs: 1000, now: () => now });
    expect([rl.allow("u"), rl.allow("u"), rl.allow("u"), rl.allow("v")]).toEqual([true, true, false, true]);
    now = 1001;
    expect(rl.allow("u")).toBe(true);
  });
  it("mints alphanumeric refs", () => {
    const ref = mintRef();
    expect(ref).toMatch(/^[A-Za-z0-9]+$/);
    expect(looksLikeRef(ref)).toBe(true);
  });
  it("turns the engine's HTML into plain text without un-escaping tricks", () => {
    const style = { bold: ["*", "*"], italic: ["_", "_"], code: ["", ""] } as { bold: [string, string]; italic: [string, string]; code: [string, string] };
    expect(htmlToPlain("<b>Nama:</b> SITI &lt;B&gt;&amp;AMP;", style)).toBe("*Nama:* SITI <B>&AMP;");
  });
});
