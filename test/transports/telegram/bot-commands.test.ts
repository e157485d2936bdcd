import { describe, expect, it } from "vitest";
import { parseCommand } from "../../../src/domain/conversation/commands.ts";
import { createTranslator } from "../../../src/i18n.ts";
import { botCommands, MENU_COMMANDS } from "../../../src/transports/telegram/bot-commands.ts";

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
