import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.ts";
import { configProblems as problems } from "./helpers/config-problems.ts";

const CLOUD = {
  WHATSAPP_MODE: "cloud",
  WHATSAPP_CLOUD_TOKEN: "EAAGm0PX4ZCpsBA0123456789abcdef",
  WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
  WHATSAPP_APP_SECRET: "0123456789abcdef0123456789abcdef",
  WHATSAPP_VERIFY_TOKEN: "a-long-verify-token",
};

describe("parseConfig: WHATSAPP_MODE=cloud", () => {
  it("keeps Baileys the default: no cloud section, WhatsApp off", () => {
    const c = parseConfig({});
    expect(c.whatsappCloud).toBeNull();
    expect(c.whatsapp.enabled).toBe(false);
    expect(parseConfig({ WHATSAPP_ENABLED: "true" }).whatsappCloud).toBeNull();
  });

  it("reads the cloud section with its defaults; cloud turns WhatsApp on and the console off", () => {
    const c = parseConfig(CLOUD);
    expect(c.whatsapp.enabled).toBe(true);
    expect(c.console).toBe(false);
    expect(c.whatsappCloud).toEqual({
      token: CLOUD.WHATSAPP_CLOUD_TOKEN,
      phoneNumberId: "106540352242922",
      appSecret: CLOUD.WHATSAPP_APP_SECRET,
      verifyToken: "a-long-verify-token",
      graphBaseUrl: "https://graph.facebook.com",
      graphVersion: "v25.0",
      templates: {},
      templateLanguages: { id: "id", en: "en" },
      broadcastRate: 20,
    });
    // The messaging limit of a new business portfolio, unless the operator says otherwise.
    expect(c.broadcast.whatsappDailyCap).toBe(250);
    expect(parseConfig({ ...CLOUD, WHATSAPP_BROADCAST_DAILY_CAP: "2000" }).broadcast.whatsappDailyCap).toBe(2000);
    expect(parseConfig({ WHATSAPP_ENABLED: "true" }).broadcast.whatsappDailyCap).toBe(1000);
  });

  it("reads template names and languages", () => {
    const c = parseConfig({
      ...CLOUD,
      WHATSAPP_ENABLED: "true",
      WHATSAPP_TEMPLATE_RECEIPT: "loket_receipt",
      WHATSAPP_TEMPLATE_FAILED: "loket_failed",
      WHATSAPP_TEMPLATE_PENDING: "loket_pending",
      WHATSAPP_TEMPLATE_REMINDER: "loket_reminder",
      WHATSAPP_TEMPLATE_BROADCAST: "loket_broadcast",
      WHATSAPP_TEMPLATE_NOTICE: "loket_notice",
      WHATSAPP_TEMPLATE_LANG_EN: "en_US",
      WHATSAPP_GRAPH_BASE_URL: "http://127.0.0.1:9999/",
      WHATSAPP_GRAPH_VERSION: "v23.0",
    });
    expect(c.whatsappCloud).toMatchObject({
      graphBaseUrl: "http://127.0.0.1:9999",
      graphVersion: "v23.0",
      templates: {
        receipt: "loket_receipt",
        failed: "loket_failed",
        pending: "loket_pending",
        reminder: "loket_reminder",
        broadcast: "loket_broadcast",
        notice: "loket_notice",
      },
      templateLanguages: { id: "id", en: "en_US" },
    });
  });

  it("needs the four secrets in cloud mode, all reported at once", () => {
    expect(problems({ WHATSAPP_MODE: "cloud" })).toEqual([
      "WHATSAPP_CLOUD_TOKEN: required when WHATSAPP_MODE is cloud",
      "WHATSAPP_PHONE_NUMBER_ID: required when WHATSAPP_MODE is cloud",
      "WHATSAPP_APP_SECRET: required when WHATSAPP_MODE is cloud",
      "WHATSAPP_VERIFY_TOKEN: required when WHATSAPP_MODE is cloud",
    ]);
  });

  it("refuses contradictions instead of guessing", () => {
    expect(problems({ ...CLOUD, WHATSAPP_ENABLED: "false" })).toEqual([expect.stringMatching(/^WHATSAPP_ENABLED: is false, but WHATSAPP_MODE=cloud/)]);
    expect(problems({ ...CLOUD, WHATSAPP_PAIRING_NUMBER: "6281234567890" })).toEqual([
      expect.stringMatching(/^WHATSAPP_PAIRING_NUMBER: only for WHATSAPP_MODE=baileys/),
    ]);
    // Cloud secrets without cloud mode: most likely a forgotten WHATSAPP_MODE=cloud.
    expect(problems({ WHATSAPP_ENABLED: "true", WHATSAPP_CLOUD_TOKEN: CLOUD.WHATSAPP_CLOUD_TOKEN })).toEqual([
      "WHATSAPP_CLOUD_TOKEN: set, but WHATSAPP_MODE is not cloud (set WHATSAPP_MODE=cloud to use it)",
    ]);
  });

  it.each([
    ["WHATSAPP_MODE", "business"],
    ["WHATSAPP_CLOUD_TOKEN", "short"],
    ["WHATSAPP_CLOUD_TOKEN", "has a space in it 0123456789"],
    ["WHATSAPP_PHONE_NUMBER_ID", "+6281234567890"],
    ["WHATSAPP_APP_SECRET", "tiny"],
    ["WHATSAPP_VERIFY_TOKEN", "short"],
    ["WHATSAPP_VERIFY_TOKEN", "with space inside"],
    ["WHATSAPP_GRAPH_BASE_URL", "https://graph.facebook.com/v25.0"],
    ["WHATSAPP_GRAPH_BASE_URL", "ftp://graph.facebook.com"],
    ["WHATSAPP_GRAPH_VERSION", "25"],
    ["WHATSAPP_GRAPH_VERSION", "v25.1"],
    ["WHATSAPP_TEMPLATE_RECEIPT", "Loket Receipt"],
    ["WHATSAPP_TEMPLATE_LANG_ID", "id-ID"],
    ["WHATSAPP_TEMPLATE_LANG_EN", "EN"],
    ["WHATSAPP_CLOUD_BROADCAST_RATE", "0"],
    ["WHATSAPP_CLOUD_BROADCAST_RATE", "5000"],
  ])("refuses %s=%s", (name, value) => {
    expect(problems({ ...CLOUD, [name]: value }).map((p) => p.split(":")[0])).toContain(name);
  });
});
