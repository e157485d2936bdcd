import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.ts";
import { configProblems as problems } from "./helpers/config-problems.ts";

const IAK = { IAK_USERNAME: "user", IAK_API_KEY: "key" };
const ESPAY = { ESPAY_SENDER_ID: "S", ESPAY_PASSWORD: "p", ESPAY_SIGNATURE_KEY: "k", ESPAY_BASIC_USER: "u", ESPAY_BASIC_PASSWORD: "b" };

describe("parseConfig", () => {
  it("has the documented defaults for an empty environment", () => {
    expect(parseConfig({})).toEqual({
      databasePath: "./data/loket.db",
      defaultLocale: "id",
      providers: ["simulator"],
      iak: null,
      espay: null,
      telegram: null,
      http: { port: 8080 },
      publicBaseUrl: null,
      dashboard: { enabled: true },
      whatsapp: { enabled: false, pairingNumber: undefined },
      whatsappCloud: null,
      console: true,
      admins: { telegram: [], whatsapp: [] },
      fees: { "bpjs-kesehatan": 0, "bpjs-ketenagakerjaan": 0, "bpjs-denda": 0 },
      demoBalance: 1_000_000,
      topupConfirmAbove: 1_000_000,
      lowDepositAlert: 500_000,
      topupInstructions: null,
      supportContact: null,
      inquiryTtlMs: 10 * 60_000,
      sessionTtlMs: 30 * 60_000,
      inquiryLimitPerHour: 20,
      broadcast: { telegramRate: 25, inFlight: 8, whatsappMinDelayMs: 3000, whatsappMaxDelayMs: 6000, whatsappDailyCap: 1000 },
      backup: { dir: "./data/backups", keep: 7 },
      reminders: { enabled: true, daysBefore: 3, hour: 9, tickMs: 60_000 },
      logLevel: "info",
      gateway: { kind: "simulator", midtrans: null, publicBaseUrl: null },
      topup: { min: 10_000, max: 10_000_000, methods: ["qris"], expiryMs: 15 * 60_000 },
    });
  });

  it("reads the reminder settings and refuses hours, days and ticks out of range", () => {
    expect(parseConfig({ REMINDERS: "false", REMINDER_DAYS_BEFORE: "0", REMINDER_HOUR: "18", REMINDER_TICK_SECONDS: "5" }).reminders).toEqual({
      enabled: false,
      daysBefore: 0,
      hour: 18,
      tickMs: 5_000,
    });
    expect(problems({ REMINDER_HOUR: "24" })).toEqual(["REMINDER_HOUR: must be an hour 0–23 (WIB)"]);
    expect(problems({ REMINDER_HOUR: "9.5" })).toEqual(["REMINDER_HOUR: must be an hour 0–23 (WIB)"]);
    expect(problems({ REMINDER_DAYS_BEFORE: "10" })).toEqual(["REMINDER_DAYS_BEFORE: must be 0–9 (a reminder is sent within the due month)"]);
    expect(problems({ REMINDER_DAYS_BEFORE: "-1" })).toEqual(["REMINDER_DAYS_BEFORE: must be a whole number of days"]);
    expect(problems({ REMINDER_TICK_SECONDS: "0" })).toEqual(["REMINDER_TICK_SECONDS: must be a positive whole number"]);
    expect(problems({ REMINDERS: "sometimes" })).toEqual(["REMINDERS: must be true/false/1/0/yes/no"]);
  });

  it("treats empty values as unset, as `FOO=` lines in .env are", () => {
    expect(parseConfig({ PROVIDERS: "", PORT: " ", DEMO_BALANCE: "" })).toMatchObject({ providers: ["simulator"], demoBalance: 1_000_000 });
  });

  it("uses the real provider defaults once credentials are given", () => {
    const c = parseConfig({ PROVIDERS: "espay, iak", ...IAK, ...ESPAY });
    expect(c.providers).toEqual(["espay", "iak"]);
    expect(c.iak).toEqual({ username: "user", apiKey: "key", baseUrl: "https://testpostpaid.mobilepulsa.net" });
    expect(c.espay).toMatchObject({ baseUrl: "https://sandbox-api.espay.id", senderId: "S", basicPassword: "b" });
    expect(c.demoBalance).toBe(0);
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    [" yes ", true],
    ["1", true],
    ["false", false],
    ["False", false],
    ["no", false],
    ["0", false],
  ])("reads the boolean %j as %s", (raw, value) => {
    expect(parseConfig({ WHATSAPP_ENABLED: raw }).whatsapp.enabled).toBe(value);
    expect(parseConfig({ CONSOLE: raw }).console).toBe(value);
  });

  it("refuses other boolean spellings", () => {
    expect(problems({ WHATSAPP_ENABLED: "maybe" })).toEqual(["WHATSAPP_ENABLED: must be true/false/1/0/yes/no"]);
    expect(problems({ CONSOLE: "on" })).toEqual(["CONSOLE: must be true/false/1/0/yes/no"]);
  });

  it("accepts http:// base URLs (local servers, fakes) and drops a trailing slash", () => {
    const c = parseConfig({
      PROVIDERS: "iak,espay",
      ...IAK,
      ...ESPAY,
      IAK_BASE_URL: "http://127.0.0.1:8090/",
      ESPAY_BASE_URL: "http://localhost:9000",
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081",
    });
    expect(c.iak?.baseUrl).toBe("http://127.0.0.1:8090");
    expect(c.espay?.baseUrl).toBe("http://localhost:9000");
  });

  it.each([
    ["IAK_BASE_URL", "https://testpostpaid.mobilepulsa.net/api/v1", "must be scheme + host only (no path, query or fragment)"],
    ["ESPAY_BASE_URL", "https://sandbox-api.espay.id/rest", "must be scheme + host only (no path, query or fragment)"],
    ["IAK_BASE_URL", "ftp://example.com", "must be an http:// or https:// URL"],
    ["TELEGRAM_API_ROOT", "not a url", "must be an http:// or https:// URL"],
  ])("refuses %s=%s", (name, value, message) => {
    expect(problems({ [name]: value })).toEqual([`${name}: ${message}`]);
  });

  it("refuses an unknown provider and a provider listed twice", () => {
    expect(problems({ PROVIDERS: "iak,paypal", ...IAK })).toEqual(["PROVIDERS.1: each provider must be one of simulator, iak, espay"]);
    expect(problems({ PROVIDERS: "iak,iak", ...IAK })).toEqual(["PROVIDERS: lists a provider twice"]);
  });

  it("requires the credentials of every listed real provider", () => {
    expect(problems({ PROVIDERS: "iak" })).toEqual(["IAK_USERNAME: required when PROVIDERS lists iak", "IAK_API_KEY: required when PROVIDERS lists iak"]);
    expect(problems({ PROVIDERS: "espay", ESPAY_SENDER_ID: "S" })).toEqual([
      "ESPAY_PASSWORD: required when PROVIDERS lists espay",
      "ESPAY_SIGNATURE_KEY: required when PROVIDERS lists espay",
      "ESPAY_BASIC_USER: required when PROVIDERS lists espay",
      "ESPAY_BASIC_PASSWORD: required when PROVIDERS lists espay",
    ]);
    // Credentials of a provider that is not listed are not needed.
    expect(parseConfig({ PROVIDERS: "simulator" }).iak).toBeNull();
  });

  it("allows DEMO_BALANCE only when the simulator is the only provider", () => {
    expect(parseConfig({ DEMO_BALANCE: "250000" }).demoBalance).toBe(250_000);
    expect(parseConfig({ DEMO_BALANCE: "0" }).demoBalance).toBe(0);
    expect(problems({ PROVIDERS: "iak", ...IAK, DEMO_BALANCE: "250000" })).toEqual([
      "DEMO_BALANCE: only allowed when PROVIDERS is exactly simulator (real money is configured)",
    ]);
    expect(problems({ PROVIDERS: "iak", ...IAK, DEMO_BALANCE: "1" })).toHaveLength(1);
  });

  it.each([
    ["FEE_BPJS_KESEHATAN", "-500", "must be a whole number of rupiah"],
    ["FEE_BPJS_DENDA", "1.5", "must be a whole number of rupiah"],
    ["DEMO_BALANCE", "1e6", "must be a whole number of rupiah"],
    ["LOW_DEPOSIT_ALERT", "99999999999999999999", "is too large"],
    ["PORT", "70000", "must be a TCP port"],
    ["PORT", "http", "must be a positive whole number"],
    ["INQUIRY_TTL_MINUTES", "0", "must be a positive whole number"],
    ["BACKUP_KEEP", "-1", "must be a positive whole number"],
  ])("refuses %s=%s", (name, value, message) => {
    expect(problems({ [name]: value })).toEqual([`${name}: ${message}`]);
  });

  it("reads integer rupiah and keeps them integers", () => {
    const c = parseConfig({ FEE_BPJS_KESEHATAN: "1500", TOPUP_CONFIRM_ABOVE: " 2000000 " });
    expect(c.fees["bpjs-kesehatan"]).toBe(1500);
    expect(c.topupConfirmAbove).toBe(2_000_000);
  });

  it("reports every problem of the environment in ONE ConfigError", () => {
    let caught: unknown;
    try {
      parseConfig({
        PROVIDERS: "espay,paypal",
        ESPAY_SENDER_ID: "S",
        ESPAY_PASSWORD: "p",
        ESPAY_SIGNATURE_KEY: "k",
        ESPAY_BASIC_USER: "u",
        ESPAY_BASIC_PASSWORD: "b",
        PORT: "70000",
        LOG_LEVEL: "loud",
        WHATSAPP_ENABLED: "maybe",
        FEE_BPJS_DENDA: "1.5",
        TELEGRAM_BOT_TOKEN: "nope",
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    const named = err.problems.map((p) => p.split(":")[0]);
    expect(named.sort()).toEqual(["FEE_BPJS_DENDA", "LOG_LEVEL", "PORT", "PROVIDERS.1", "TELEGRAM_BOT_TOKEN", "WHATSAPP_ENABLED"]);
    // One message, one line per problem.
    for (const p of err.problems) expect(err.message).toContain(`  - ${p}`);
  });

  it("refuses the simulator beside real providers (real balances, fake payments)", () => {
    expect(problems({ PROVIDERS: "iak,simulator", ...IAK })).toEqual(["PROVIDERS: simulator cannot be mixed with real providers"]);
  });

  it("reports every cross-field problem at once too", () => {
    expect(problems({ PROVIDERS: "iak,espay", DEMO_BALANCE: "5", TELEGRAM_WEBHOOK_URL: "https://bot.example.com/hook" })).toEqual([
      "IAK_USERNAME: required when PROVIDERS lists iak",
      "IAK_API_KEY: required when PROVIDERS lists iak",
      "ESPAY_SENDER_ID: required when PROVIDERS lists espay",
      "ESPAY_PASSWORD: required when PROVIDERS lists espay",
      "ESPAY_SIGNATURE_KEY: required when PROVIDERS lists espay",
      "ESPAY_BASIC_USER: required when PROVIDERS lists espay",
      "ESPAY_BASIC_PASSWORD: required when PROVIDERS lists espay",
      "DEMO_BALANCE: only allowed when PROVIDERS is exactly simulator (real money is configured)",
      "TELEGRAM_WEBHOOK_URL: needs TELEGRAM_BOT_TOKEN",
      "TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_WEBHOOK_URL, so forged webhook calls are refused",
    ]);
  });

  it.each(["123456:ABC-def_ghi", "7:x", " 123456789:AAH-token "])("accepts the bot token %j", (token) => {
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: token }).telegram?.token).toBe(token.trim());
  });

  it.each(["abc:def", "987654", "987654:", ":XYZ", "98 76:XYZ"])("refuses the bot token %j without echoing it", (token) => {
    const found = problems({ TELEGRAM_BOT_TOKEN: token });
    expect(found).toEqual(["TELEGRAM_BOT_TOKEN: must look like 123456:ABC…"]);
    expect(found.join("\n")).not.toContain(token);
  });

  it("turns the console on by default only when no other platform is configured", () => {
    expect(parseConfig({}).console).toBe(true);
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: "1:a" }).console).toBe(false);
    expect(parseConfig({ WHATSAPP_ENABLED: "yes" }).console).toBe(false);
    expect(parseConfig({ WHATSAPP_ENABLED: "false" }).console).toBe(true);
    // CONSOLE forces it either way.
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: "1:a", CONSOLE: "true" }).console).toBe(true);
    expect(parseConfig({ CONSOLE: "false" }).console).toBe(false);
  });

  it("builds the Telegram section from its variables", () => {
    expect(
      parseConfig({ TELEGRAM_BOT_TOKEN: "1:a", TELEGRAM_WEBHOOK_URL: "https://bot.example.com/hook", TELEGRAM_WEBHOOK_SECRET: "s3cret_-", PORT: "3000" })
        .telegram,
    ).toEqual({
      token: "1:a",
      apiRoot: "https://api.telegram.org",
      webhookUrl: "https://bot.example.com/hook",
      webhookSecret: "s3cret_-",
    });
    expect(parseConfig({ PORT: "3000" }).http).toEqual({ port: 3000 });
  });

  it("reads admin lists, refusing malformed ids", () => {
    expect(parseConfig({ ADMIN_TELEGRAM_IDS: "1, 22 ,", ADMIN_WHATSAPP_NUMBERS: "6281234567890,1234@lid" }).admins).toEqual({
      telegram: ["1", "22"],
      whatsapp: ["6281234567890", "1234@lid"],
    });
    expect(problems({ ADMIN_TELEGRAM_IDS: "1,@bob" })).toEqual(["ADMIN_TELEGRAM_IDS.1: must be numeric Telegram user ids"]);
  });
});

describe("config: every problem at once", () => {
  it("reports a bad field and a missing credential together", () => {
    let caught: unknown;
    try {
      parseConfig({ PROVIDERS: "iak", PORT: "abc" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join("\n");
    expect(problems).toContain("PORT");
    expect(problems).toContain("IAK_USERNAME");
    expect(problems).toContain("IAK_API_KEY");
  });

  it.each(["https://x.com/?a=1", "https://x.com#frag", "https://x.com/api"])("refuses the base URL %s", (url) => {
    expect(() => parseConfig({ IAK_BASE_URL: url })).toThrow(ConfigError);
  });
});

describe("config: the dashboard", () => {
  it("reads DASHBOARD and PUBLIC_BASE_URL (scheme + host, a trailing slash dropped)", () => {
    expect(parseConfig({ DASHBOARD: "false" }).dashboard).toEqual({ enabled: false });
    expect(parseConfig({ PUBLIC_BASE_URL: "https://loket.example.com/" }).publicBaseUrl).toBe("https://loket.example.com");
    expect(parseConfig({ PUBLIC_BASE_URL: "http://203.0.113.5:8080" }).publicBaseUrl).toBe("http://203.0.113.5:8080");
  });

  it.each(["loket.example.com", "ftp://loket.example.com", "https://loket.example.com/admin", "https://x.com/?a=1", "javascript:alert(1)"])(
    "refuses PUBLIC_BASE_URL=%s",
    (url) => {
      expect(problems({ PUBLIC_BASE_URL: url }).join()).toContain("PUBLIC_BASE_URL");
    },
  );

  it("refuses a DASHBOARD that is not a yes or a no", () => {
    expect(problems({ DASHBOARD: "maybe" })).toEqual(["DASHBOARD: must be true/false/1/0/yes/no"]);
  });
});
