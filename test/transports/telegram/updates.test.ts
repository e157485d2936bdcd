import { describe, expect, it } from "vitest";
import { blockedFlagOf, callbackToEvent, chatKeyOf, messageToEvent, parseUpdate } from "../../../src/transports/telegram/updates.ts";
import type { CallbackQuery, Message } from "grammy/types";

describe("updates → engine events", () => {
  const from = { id: 42, is_bot: false, first_name: "Siti", last_name: "A", language_code: "en" };
  const chat = { id: 42, type: "private" as const, first_name: "Siti" };
  it("maps a private text message", () => {
    const message = { message_id: 1, date: 1, chat, from, text: "/saldo" } as Message;
    expect(messageToEvent(message)).toEqual({
      platform: "telegram",
      userId: "42",
      address: "42",
      messageId: "msg:42:1",
      text: "/saldo",
      localeHint: "en",
      displayName: "Siti A",
    });
    expect(messageToEvent({ ...message, chat: { id: -5, type: "group", title: "g" } } as Message)).toBeNull();
    expect(messageToEvent({ ...message, text: undefined } as unknown as Message)?.text).toBe("");
  });
  it("maps a tapped button, refusing data that is not ours", () => {
    const query = { id: "q", from, chat_instance: "c", data: "3|months:2", message: { message_id: 5, date: 1, chat } } as CallbackQuery;
    expect(callbackToEvent(query)).toEqual({ kind: "event", event: expect.objectContaining({ messageId: "cbq:q", choice: { id: "months:2", nonce: 3 } }) });
    expect(callbackToEvent({ ...query, data: "months:2" })).toEqual({ kind: "forged" });
    expect(callbackToEvent({ ...query, data: undefined })).toEqual({ kind: "forged" });
  });
  it("validates stored and posted updates", () => {
    expect(parseUpdate({ update_id: 1, message: { message_id: 1, date: 1, chat, from, text: "x" } })).not.toBeNull();
    expect(parseUpdate({ update_id: "1" })).toBeNull();
    expect(parseUpdate({ update_id: 1, message: { chat } })).toBeNull();
    expect(parseUpdate(null)).toBeNull();
    expect(chatKeyOf({ update_id: 1, callback_query: { id: "q", from, chat_instance: "c", data: "x" } } as never)).toBe("42");
    expect(blockedFlagOf("kicked")).toBe(true);
    expect(blockedFlagOf("member")).toBe(false);
    expect(blockedFlagOf("administrator")).toBeNull();
  });
});
