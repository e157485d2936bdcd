import { describe, expect, it } from "vitest";
import { parseCommand } from "../../../src/domain/conversation/commands.ts";
import { createTranslator } from "../../../src/i18n.ts";
import { botCommands, MENU_COMMANDS } from "../../../src/transports/telegram/bot-commands.ts";

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
