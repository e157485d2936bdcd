import { describe, expect, it } from "vitest";
import type { LidMappingLookup } from "../../../src/transports/whatsapp/auth-state.ts";
import { inboundFromUpsert, messageText, toInbound, type InboundContext } from "../../../src/transports/whatsapp/inbound.ts";
import { isPrivateChat, jidKind, normalizePersonJid } from "../../../src/transports/whatsapp/jid.ts";
import { resolveIdentity } from "../../../src/transports/whatsapp/identity.ts";
import { textMessage } from "../../fakes/whatsapp-socket.ts";

const PN = "6281234567890@s.whatsapp.net";
const LID = "123456789012345@lid";

function mapping(pairs: [pnUser: string, lidUser: string][] = []): LidMappingLookup {
  return {
    pnUserForLidUser: (lid) => pairs.find((p) => p[1] === lid)?.[0] ?? null,
    lidUserForPnUser: (pn) => pairs.find((p) => p[0] === pn)?.[1] ?? null,
  };
}
const ctx: InboundContext = { mapping: mapping(), isAdmin: () => false };

describe("jid", () => {
  it("tells people from groups, status, broadcasts and channels", () => {
    expect(jidKind(PN)).toBe("pn");
    expect(jidKind(LID)).toBe("lid");
    expect(jidKind("6281234567890:12@s.whatsapp.net")).toBe("pn");
    expect(jidKind("120363025246125486@g.us")).toBe("group");
    expect(jidKind("status@broadcast")).toBe("status");
    expect(jidKind("1699999999@broadcast")).toBe("broadcast");
    expect(jidKind("120363144038483540@newsletter")).toBe("newsletter");
    expect(isPrivateChat("120363025246125486@g.us")).toBe(false);
    expect(isPrivateChat(LID)).toBe(true);
  });

  it("drops the device suffix", () => {
    expect(normalizePersonJid("6281234567890:12@s.whatsapp.net")).toBe(PN);
    expect(normalizePersonJid("123456789012345:3@lid")).toBe(LID);
    expect(normalizePersonJid("120363025246125486@g.us")).toBeNull();
  });
});

describe("inbound messages", () => {
  it("turns a private text into an event keyed by the full message key", () => {
    const r = toInbound(textMessage(PN, " menu ", { id: "ABC", pushName: "Budi" }), ctx);
    expect(r).toEqual({
      kind: "event",
      event: { platform: "whatsapp", userId: PN, address: PN, messageId: `${PN}|ABC`, text: "menu", displayName: "Budi" },
    });
  });

  it("ignores fromMe, groups, status, broadcast lists and channels", () => {
    const reasons = [
      textMessage(PN, "hi", { fromMe: true }),
      textMessage("120363025246125486@g.us", "hi", { participant: PN }),
      textMessage("status@broadcast", "hi", { participant: PN }),
      textMessage("1699999999@broadcast", "hi"),
      textMessage("120363144038483540@newsletter", "hi"),
    ].map((m) => toInbound(m, ctx));
    expect(reasons.map((r) => (r.kind === "ignored" ? r.reason : "event"))).toEqual(["from_me", "not_private", "not_private", "not_private", "not_private"]);
  });

  it("handles only notify upserts (append is history)", () => {
    expect(inboundFromUpsert({ type: "append", messages: [textMessage(PN, "hi")] }, ctx)).toEqual([{ kind: "ignored", reason: "not_notify" }]);
    expect(inboundFromUpsert({ type: "notify", messages: [textMessage(PN, "hi")] }, ctx)[0]?.kind).toBe("event");
  });

  it("reads extended text, disappearing-message wrappers and list/button replies; skips media and junk", () => {
    expect(messageText({ extendedTextMessage: { text: "8801234560000" } })).toBe("8801234560000");
    expect(messageText({ ephemeralMessage: { message: { conversation: "2" } } })).toBe("2");
    expect(messageText({ conversation: "", extendedTextMessage: { text: "1" } })).toBe("1");
    expect(messageText({ listResponseMessage: { singleSelectReply: { selectedRowId: "3" } } })).toBe("3");
    expect(messageText({ buttonsResponseMessage: { selectedButtonId: "batal" } })).toBe("batal");
    expect(messageText({ imageMessage: { url: "x" } })).toBeNull();
    expect(messageText(null)).toBeNull();
    expect(toInbound({ key: { remoteJid: PN, id: "X" }, message: { reactionMessage: { text: "👍" } } }, ctx)).toMatchObject({ reason: "no_text" });
    expect(toInbound({ key: { id: "X" } }, ctx)).toMatchObject({ reason: "malformed" });
    expect(toInbound("nonsense", ctx)).toMatchObject({ reason: "malformed" });
  });
});

describe("identity", () => {
  it("puts the other form revealed by the message (remoteJidAlt) into aliases", () => {
    const r = toInbound(textMessage(LID, "hi", { alt: "6281234567890:0@s.whatsapp.net" }), ctx);
    expect(r.kind === "event" && r.event).toMatchObject({ userId: LID, aliases: [PN], address: LID });
  });

  it("finds the other form in Baileys' LID mapping store, both ways", () => {
    const m = mapping([["6281234567890", "123456789012345"]]);
    expect(resolveIdentity(PN, [], m, () => false)).toEqual({ userId: PN, aliases: [LID] });
    expect(resolveIdentity(LID, [], m, () => false)).toEqual({ userId: LID, aliases: [PN] });
    expect(resolveIdentity(PN, [], mapping(), () => false)).toEqual({ userId: PN, aliases: [] });
  });

  it("lets an admin listed by phone be recognised when writing from a LID chat", () => {
    const isAdmin = (jid: string) => jid === PN;
    expect(resolveIdentity(LID, [PN], mapping(), isAdmin)).toEqual({ userId: PN, aliases: [LID] });
    expect(resolveIdentity(LID, [], mapping(), isAdmin)).toEqual({ userId: LID, aliases: [] });
  });
});
