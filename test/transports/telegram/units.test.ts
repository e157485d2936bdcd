import { describe, expect, it } from "vitest";
import { parseCommand } from "../../../src/domain/conversation/commands.ts";
import { createTranslator } from "../../../src/i18n.ts";
import { createTelegramApiLimiter, currentPriority, withPriority } from "../../../src/transports/telegram/api-limiter.ts";
import { botCommands, MENU_COMMANDS } from "../../../src/transports/telegram/bot-commands.ts";
import { DEFAULT_RETRY, decideRetry } from "../../../src/transports/telegram/capped-retry.ts";
import { decodeCallbackData, encodeCallbackData, renderMessage } from "../../../src/transports/telegram/render.ts";
import { blockedFlagOf, callbackToEvent, chatKeyOf, messageToEvent, parseUpdate } from "../../../src/transports/telegram/updates.ts";
import type { CallbackQuery, Message } from "grammy/types";

/** A hand-driven clock and timer queue, so the limiter is tested without waiting. */
function manualTime() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let seq = 0;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const t = { at: now + ms, fn, id: ++seq };
      timers.push(t);
      return t.id;
    },
    clearTimer: (id: unknown) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        now = next.at;
        next.fn();
        await flushMicrotasks();
      }
      now = until;
      await flushMicrotasks();
    },
  };
}

async function flushMicrotasks() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe("api limiter", () => {
  it("starts at most `rate` calls per second and serves payers before broadcasts", async () => {
    const time = manualTime();
    const limiter = createTelegramApiLimiter({ ratePerSecond: 3, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer });
    const started: string[] = [];
    const job = (name: string) => async () => void started.push(`${name}@${time.now()}`);
    const all = [
      ...[1, 2, 3, 4].map((i) => limiter.schedule("broadcast", job(`b${i}`))),
      ...[1, 2].map((i) => limiter.schedule("payer", job(`p${i}`))),
    ];
    await flushMicrotasks();
    expect(started).toEqual(["b1@0", "b2@0", "b3@0"]);
    expect(limiter.waiting()).toEqual({ payer: 2, broadcast: 1 });
    await time.advance(1000);
    // Payers that arrived later still go first.
    expect(started.slice(3)).toEqual(["p1@1000", "p2@1000", "b4@1000"]);
    await Promise.all(all);
  });

  it("pauses everything on pauseFor (a 429)", async () => {
    const time = manualTime();
    const limiter = createTelegramApiLimiter({ ratePerSecond: 100, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer });
    limiter.pauseFor(5_000);
    let ran = false;
    const p = limiter.schedule("payer", async () => void (ran = true));
    await time.advance(4_999);
    expect(ran).toBe(false);
    await time.advance(1);
    expect(ran).toBe(true);
    await p;
  });

  it("passes a thrown error to the caller and keeps going", async () => {
    const limiter = createTelegramApiLimiter({ ratePerSecond: 10 });
    await expect(limiter.schedule("payer", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.schedule("payer", async () => 42)).resolves.toBe(42);
    await limiter.idle();
  });

  it("carries the priority through async work", async () => {
    expect(currentPriority()).toBe("payer");
    await withPriority("broadcast", async () => {
      await Promise.resolve();
      expect(currentPriority()).toBe("broadcast");
    });
  });
});

describe("capped retry policy", () => {
  const o = DEFAULT_RETRY;
  it("honours retry_after through the limiter pause, up to the cap", () => {
    expect(decideRetry({ kind: "api_error", code: 429, retryAfterSeconds: 3 }, 1, o)).toEqual({ retry: true, delayMs: 0, pauseMs: 3000 });
    expect(decideRetry({ kind: "api_error", code: 429, retryAfterSeconds: 3 }, 3, o)).toEqual({ retry: false, pauseMs: 3000 });
    expect(decideRetry({ kind: "api_error", code: 429, retryAfterSeconds: 600 }, 1, o)).toEqual({ retry: false, pauseMs: 30_000 });
  });
  it("backs off on 5xx and network errors, at most maxAttempts in all", () => {
    expect(decideRetry({ kind: "api_error", code: 502 }, 1, o)).toEqual({ retry: true, delayMs: 500, pauseMs: 0 });
    expect(decideRetry({ kind: "network" }, 2, o)).toEqual({ retry: true, delayMs: 1000, pauseMs: 0 });
    expect(decideRetry({ kind: "network" }, 3, o)).toEqual({ retry: false, pauseMs: 0 });
  });
  it("never repeats a call of uncertain outcome when told not to (broadcasts)", () => {
    expect(decideRetry({ kind: "network" }, 1, o, false)).toEqual({ retry: false, pauseMs: 0 });
    expect(decideRetry({ kind: "api_error", code: 429, retryAfterSeconds: 1 }, 1, o, false).retry).toBe(true);
  });
  it("takes other answers as answers", () => {
    for (const code of [400, 401, 403, 404, 409]) expect(decideRetry({ kind: "api_error", code }, 1, o)).toEqual({ retry: false, pauseMs: 0 });
    expect(decideRetry({ kind: "ok" }, 1, o)).toEqual({ retry: false, pauseMs: 0 });
  });
});

describe("callback data", () => {
  it("round-trips nonce and choice id, and refuses anything else", () => {
    expect(decodeCallbackData(encodeCallbackData(12, "pay:LK0123456789AB"))).toEqual({ nonce: 12, choiceId: "pay:LK0123456789AB" });
    expect(decodeCallbackData(encodeCallbackData(undefined, "topup:approve:5"))).toEqual({ choiceId: "topup:approve:5" });
    for (const bad of ["", "|", "menu", "1|", "01|menu", "1|menu|x", "1|me nu", "1|<b>", "-1|menu", "1|menü", `1|${"a".repeat(63)}`, "99999999999|menu"]) {
      expect(decodeCallbackData(bad), bad).toBeNull();
    }
  });
  it("fits every choice id the engine makes into 64 bytes", () => {
    for (const id of ["product:bpjs-ketenagakerjaan", "payagain:LK0123456789AB", "topup:approve:999999999999", "cmd:language", "unsave:999999999999"]) {
      expect(Buffer.byteLength(encodeCallbackData(4_294_967_295, id))).toBeLessThanOrEqual(64);
    }
    expect(() => encodeCallbackData(1, "x".repeat(64))).toThrow();
  });
  it("renders choices as an inline keyboard with plain-text labels", () => {
    // Labels are plain text: shown verbatim, whatever they contain.
    const r = renderMessage({ text: "<b>Hi</b>", nonce: 7, choices: [[{ id: "menu", label: "Hapus Ibu & <b>" }], [{ id: "cancel", label: "Batal" }]] });
    expect(r).toEqual({
      text: "<b>Hi</b>",
      reply_markup: { inline_keyboard: [[{ text: "Hapus Ibu & <b>", callback_data: "7|menu" }], [{ text: "Batal", callback_data: "7|cancel" }]] },
    });
    expect(renderMessage({ text: "plain" })).toEqual({ text: "plain" });
  });
});

describe("updates → engine events", () => {
  const from = { id: 42, is_bot: false, first_name: "Siti", last_name: "A", language_code: "en" };
  const chat = { id: 42, type: "private" as const, first_name: "Siti" };
  it("maps a private text message", () => {
    const message = { message_id: 1, date: 1, chat, from, text: "/saldo" } as Message;
    expect(messageToEvent(message)).toEqual({ platform: "telegram", userId: "42", address: "42", messageId: "msg:42:1", text: "/saldo", localeHint: "en", displayName: "Siti A" });
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

describe("bot commands", () => {
  it("each menu word, in both languages, is the engine's command", () => {
    for (const c of MENU_COMMANDS) {
      for (const word of [c.id, c.en]) {
        expect(word).toMatch(/^[a-z0-9_]{1,32}$/);
        const parsed = parseCommand(`/${word}`);
        expect(parsed?.kind === "payer" ? parsed.name : null, word).toBe(c.name);
      }
    }
  });
  it("has a plain description of at most 256 characters in each language", () => {
    const t = createTranslator();
    for (const locale of ["id", "en"] as const) {
      for (const c of botCommands(t, locale)) {
        expect(c.description.length).toBeGreaterThan(2);
        expect(c.description.length).toBeLessThanOrEqual(256);
        expect(c.description).not.toMatch(/telegram\.commands/);
      }
    }
  });
});
