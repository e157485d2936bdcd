import { describe, expect, it } from "vitest";
import { parseWebhook } from "../../../src/transports/whatsapp-cloud/webhook-payload.ts";

const PHONE_ID = "106540352242922";
const NOW = 1_800_000_000_000;
const value = (v: Record<string, unknown>, phoneId = PHONE_ID) => ({
  messaging_product: "whatsapp",
  metadata: { display_phone_number: "1555", phone_number_id: phoneId },
  ...v,
});
const envelope = (...values: Record<string, unknown>[]) => ({
  object: "whatsapp_business_account",
  entry: [{ id: "WABA", changes: values.map((v) => ({ field: "messages", value: v })) }],
});

describe("parseWebhook", () => {
  it("reads every message of every change, with the sender's profile name and Meta's time in ms", () => {
    const parsed = parseWebhook(
      envelope(
        value({
          contacts: [{ profile: { name: "Siti" }, wa_id: "6281234567890" }],
          messages: [
            { from: "6281234567890", id: "wamid.1", timestamp: "1799999990", type: "text", text: { body: "halo" } },
            { from: "6281234567890", id: "wamid.2", timestamp: "1799999991", type: "text", text: { body: "1" } },
          ],
        }),
        value({ messages: [{ from: "6289999999999", id: "wamid.3", timestamp: "1799999992", type: "text", text: { body: "x" } }] }),
      ),
      PHONE_ID,
      NOW,
    )!;
    expect(parsed.messages.map((m) => [m.wamid, m.waId, m.sentAt])).toEqual([
      ["wamid.1", "6281234567890", 1_799_999_990_000],
      ["wamid.2", "6281234567890", 1_799_999_991_000],
      ["wamid.3", "6289999999999", 1_799_999_992_000],
    ]);
    expect(JSON.parse(parsed.messages[0]!.payload)).toEqual({
      message: { from: "6281234567890", id: "wamid.1", timestamp: "1799999990", type: "text", text: { body: "halo" } },
      name: "Siti",
    });
    expect(JSON.parse(parsed.messages[2]!.payload).name).toBeUndefined();
  });

  it("reads statuses with their first error, and account-level errors", () => {
    const parsed = parseWebhook(
      envelope(
        value({
          statuses: [
            {
              id: "wamid.9",
              status: "failed",
              timestamp: "1799999990",
              recipient_id: "6281234567890",
              errors: [{ code: 131047, title: "Re-engagement message", error_data: { details: "more than 24 hours" } }],
            },
            { id: "wamid.8", status: "read", timestamp: "1799999991", recipient_id: "6281234567890" },
          ],
          errors: [{ code: 130429, title: "Rate limit hit" }],
        }),
      ),
      PHONE_ID,
      NOW,
    )!;
    expect(parsed.statuses).toEqual([
      { wamid: "wamid.9", status: "failed", recipient: "6281234567890", at: 1_799_999_990_000, errorCode: 131047, errorDetail: "more than 24 hours" },
      { wamid: "wamid.8", status: "read", recipient: "6281234567890", at: 1_799_999_991_000, errorCode: null, errorDetail: null },
    ]);
    expect(parsed.errors).toEqual([{ code: 130429, detail: "Rate limit hit" }]);
  });

  it("skips another number's changes, other fields and unreadable items instead of failing the batch", () => {
    const parsed = parseWebhook(
      {
        object: "whatsapp_business_account",
        entry: [
          {
            changes: [
              { field: "messages", value: value({ messages: [{ from: "6281", id: "x", timestamp: "1", type: "text" }] }, "999") },
              { field: "message_template_status_update", value: { event: "APPROVED" } },
              {
                field: "messages",
                value: value({ messages: [{ from: "+62 812", id: "y", timestamp: "1", type: "text" }, { id: "z" }], statuses: [{ id: "s" }] }),
              },
            ],
          },
        ],
      },
      PHONE_ID,
      NOW,
    )!;
    expect(parsed).toEqual({ messages: [], statuses: [], errors: [], skipped: 5 });
  });

  it("never dates a message in the future", () => {
    const parsed = parseWebhook(envelope(value({ messages: [{ from: "6281234567890", id: "w", timestamp: "9999999999", type: "text" }] })), PHONE_ID, NOW)!;
    expect(parsed.messages[0]!.sentAt).toBe(NOW);
  });

  it.each([null, "x", [], {}, { object: "page", entry: [] }, { object: "whatsapp_business_account" }, { object: "whatsapp_business_account", entry: [{}] }])(
    "is null for %j",
    (body) => {
      expect(parseWebhook(body, PHONE_ID, NOW)).toBeNull();
    },
  );
});
