import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { Logger } from "pino";
import type { PayerCommand } from "../../domain/conversation/commands.ts";
import type { Locale, Translate } from "../../i18n.ts";
import { plainText } from "./render.ts";

/**
 * The payer commands shown in Telegram's command menu, with the word each language's menu uses.
 * The engine understands both words in either language; a test checks each maps to its command.
 */
export const MENU_COMMANDS: readonly { name: PayerCommand; id: string; en: string }[] = [
  { name: "menu", id: "start", en: "start" },
  { name: "balance", id: "saldo", en: "balance" },
  { name: "topup_request", id: "isi", en: "deposit" },
  { name: "history", id: "riwayat", en: "history" },
  { name: "receipt", id: "struk", en: "receipt" },
  { name: "saved", id: "simpan", en: "saved" },
  { name: "reminders", id: "pengingat", en: "reminders" },
  { name: "language", id: "bahasa", en: "language" },
  { name: "id", id: "id", en: "myid" },
  { name: "help", id: "bantuan", en: "help" },
  { name: "cancel", id: "batal", en: "cancel" },
];

export function botCommands(t: Translate, locale: Locale): BotCommand[] {
  return MENU_COMMANDS.map((c) => ({ command: c[locale], description: plainText(t(locale, `telegram.commands.${c.name}`)) }));
}

/**
 * Native touches: the command menu in Indonesian for everyone and in English for
 * Telegram clients set to English, and the menu button opening it. Cosmetic, so a failure is logged
 * and the bot runs on.
 */
export async function registerBotCommands(api: Api, t: Translate, log: Logger): Promise<void> {
  const calls: [string, () => Promise<unknown>][] = [
    ["setMyCommands id", () => api.setMyCommands(botCommands(t, "id"))],
    ["setMyCommands en", () => api.setMyCommands(botCommands(t, "en"), { language_code: "en" })],
    ["setChatMenuButton", () => api.setChatMenuButton({ menu_button: { type: "commands" } })],
  ];
  for (const [what, call] of calls) {
    try {
      await call();
    } catch (err) {
      log.warn({ err }, `${what} failed`);
    }
  }
}
