import { describe, expect, it } from "vitest";
import { inboundToRoute } from "../../../src/transports/whatsapp-cloud/inbound.ts";

const NOW = 1_800_000_000_000;
const ts = String(Math.floor(NOW / 1000) - 60);
const stored = (message: Record<string, unknown>, name?: string) =>
  JSON.stringify({ message: { from: "6281234567890", id: "wamid.A1", timestamp: ts, ...message }, ...(name === undefined ? {} : { name }) });
const JID = "6281234567890@s.whatsapp.net";

describe("inboundToRoute", () => {
  it("hands text to the engine as the person's phone JID (the Baileys form: one person, one balance)", () => {
    expect(inboundToRoute(stored({ type: "text", text: { body: "halo" } }, "Siti"), NOW)).toEqual({
      kind: "event",
      event: { platform: "whatsapp", userId: JID, address: JID, messageId: "cloud:wamid.A1", text: "halo", displayName: "Siti" },
    });
  });

  it("hands a tapped button or list row over as the choice and nonce encoded in its id", () => {
    const button = inboundToRoute(
      stored({ type: "interactive", interactive: { type: "button_reply", button_reply: { id: "7|pay:LK0000000000AB", title: "Bayar" } } }),
      NOW,
    );
    expect(button).toMatchObject({ kind: "event", event: { choice: { id: "pay:LK0000000000AB", nonce: 7 } } });
    const row = inboundToRoute(stored({ type: "interactive", interactive: { type: "list_reply", list_reply: { id: "3|months:2", title: "2 bulan" } } }), NOW);
    expect(row).toMatchObject({ kind: "event", event: { choice: { id: "months:2", nonce: 3 } } });
  });

  it.each([
    ["a forged id", { type: "button_reply", button_reply: { id: "pay:LK0000000000AB", title: "x" } }],
    ["an id from an old build", { type: "list_reply", list_reply: { id: "v1:3:months:2", title: "x" } }],
    ["no reply at all", { type: "nfm_reply" }],
  ])("refuses %s without asking the engine", (_what, interactive) => {
    expect(inboundToRoute(stored({ type: "interactive", interactive }), NOW)).toMatchObject({ kind: "refused", event: { userId: JID } });
  });

  it("reads a template's quick-reply button as its text, and other media as empty text", () => {
    expect(inboundToRoute(stored({ type: "button", button: { text: "Bayar sekarang", payload: "x" } }), NOW)).toMatchObject({
      event: { text: "Bayar sekarang" },
    });
    expect(inboundToRoute(stored({ type: "image", image: { id: "m", mime_type: "image/jpeg" } }), NOW)).toMatchObject({ kind: "event", event: { text: "" } });
    expect(inboundToRoute(stored({ type: "unsupported", errors: [{ code: 131051 }] }), NOW)).toMatchObject({ kind: "event", event: { text: "" } });
  });

  it("ignores reactions, unreadable rows and messages older than the window", () => {
    expect(inboundToRoute(stored({ type: "reaction", reaction: { message_id: "x", emoji: "👍" } }), NOW)).toEqual({ kind: "ignored", reason: "reaction" });
    expect(inboundToRoute("{", NOW)).toEqual({ kind: "ignored", reason: "unreadable" });
    expect(inboundToRoute(JSON.stringify({ message: { from: "62 812", id: "x", timestamp: ts, type: "text" } }), NOW)).toEqual({
      kind: "ignored",
      reason: "unreadable",
    });
    const old = JSON.stringify({
      message: { from: "6281234567890", id: "x", timestamp: String(Math.floor(NOW / 1000) - 25 * 3600), type: "text", text: { body: "1" } },
    });
    expect(inboundToRoute(old, NOW)).toEqual({ kind: "ignored", reason: "stale" });
  });

  it("recognises a changed number", () => {
    expect(inboundToRoute(stored({ type: "system", system: { body: "changed", wa_id: "6289999999999", type: "user_changed_number" } }), NOW)).toEqual({
      kind: "number_changed",
      from: "6281234567890",
      to: "6289999999999",
    });
    expect(inboundToRoute(stored({ type: "system", system: { type: "customer_identity_changed" } }), NOW)).toEqual({ kind: "ignored", reason: "system" });
  });

  it("caps an absurdly long text", () => {
    const route = inboundToRoute(stored({ type: "text", text: { body: "9".repeat(100_000) } }), NOW);
    expect(route.kind === "event" && route.event.text?.length).toBe(4096);
  });
});
