import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { parseTelegramHtml } from "../fakes/telegram-api.ts";
import { SAFE_TAGS, htmlProblems } from "../transports/telegram/harness.ts";

describe("telegram: HTML that never breaks Telegram's parser", () => {
  for (const locale of ["id", "en"] as const) {
    it(`keeps a provider's name full of HTML as text (${locale})`, async ({ telegram }) => {
      const th = await telegram();
      const p = th.user(locale === "id" ? 4801 : 4802, { language_code: locale });
      await p.say("/start");
      await p.tap("product:bpjs-kesehatan");
      await p.say("8801234560999");
      const bill = await p.tap("months:2");
      expect(bill).toContain('SI** <B****** "A***');
      expect(await p.tap("pay:")).toContain('SI** <B****** "A***');
      await p.tap("save:");
      await p.say('Ibu <b>& "co"');
      await p.say("/simpan");
      await p.say("/riwayat");
      await p.say("/struk");
      await p.say("/saldo");
      await p.say("/bantuan");
      await p.say("/id");
      await p.say("/isi 50000");
      await p.say("/status LK0000000000AA");
      await p.say("menu");
      await p.tap("product:bpjs-kesehatan");
      await p.say("12<>&");
      await p.tap("saved:");
      await p.say("/batal");

      const sends = th.fake.calls.filter((c) => (c.method === "sendMessage" || c.method === "editMessageText") && Number(c.payload.chat_id) === p.user.id);
      expect(sends.length).toBeGreaterThan(15);
      expect(sends.every((c) => c.status === "ok")).toBe(true);
      expect(htmlProblems(th.fake.calls)).toEqual([]);
      for (const c of sends) expect(parseTelegramHtml(String(c.payload.text), SAFE_TAGS).ok).toBe(true);
      // Button labels are plain text: an escaped label shows as the payer typed it.
      const labels = th.fake.botMessages(p.user.id).flatMap((m) => m.buttons.flat().map((b) => b.text));
      expect(labels.some((l) => l.includes('Ibu <b>& "co"'))).toBe(true);
    });
  }
});
