import qrcode from "qrcode-terminal";
import type { Locale, Translate } from "../../i18n.ts";
import { htmlToPlain } from "../plain-text.ts";

/** What the operator sees in the terminal while the device is not linked. */
export interface LoginPrompt {
  qr(qr: string): void;
  pairingCode(number: string, code: string): void;
  connected(id: string): void;
  loggedOut(): void;
}

const PLAIN: { bold: [string, string]; italic: [string, string]; code: [string, string] } = { bold: ["", ""], italic: ["", ""], code: ["", ""] };

/**
 * Renders the QR from connection.update ourselves (printQRInTerminal is deprecated in Baileys)
 * and prints pairing codes, in the operator's default language.
 */
export function createLoginPrompt(deps: { print: (text: string) => void; t: Translate; locale: Locale }): LoginPrompt {
  const say = (key: string, vars?: Record<string, unknown>) => htmlToPlain(deps.t(deps.locale, `whatsapp.${key}`, vars), PLAIN);
  return {
    qr(qr) {
      qrcode.generate(qr, { small: true }, (art) => deps.print(`\n${say("scan_qr")}\n${art}\n`));
    },
    pairingCode(number, code) {
      // Shown as XXXX-XXXX, the way WhatsApp's own input groups it.
      const shown = code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
      deps.print(`\n${say("pairing_code", { number, code: shown })}\n`);
    },
    connected(id) {
      deps.print(`${say("connected", { id })}\n`);
    },
    loggedOut() {
      deps.print(`\n${say("logged_out")}\n`);
    },
  };
}
