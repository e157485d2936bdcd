/** Payer and admin commands: Telegram `/command`, or the bare word on WhatsApp and the console, in both languages. */

export const PAYER_COMMANDS = {
  menu: ["start", "menu", "mulai_ulang"],
  balance: ["saldo", "balance"],
  topup_request: ["isi", "deposit"],
  history: ["riwayat", "history"],
  status: ["status"],
  receipt: ["struk", "receipt"],
  saved: ["simpan", "saved"],
  reminders: ["pengingat", "reminders", "reminder"],
  language: ["bahasa", "language", "lang"],
  id: ["id", "myid"],
  opt_out: ["berhenti", "stop", "unsubscribe"],
  opt_in: ["mulai", "subscribe"],
  erase: ["hapus", "delete"],
  help: ["bantuan", "help"],
  cancel: ["batal", "cancel"],
} as const;

export const ADMIN_COMMANDS = {
  topup: ["topup"],
  correct: ["koreksi", "correct"],
  user: ["user"],
  tx: ["tx"],
  pending: ["pending"],
  resolve: ["resolve"],
  stats: ["stats"],
  product: ["produk", "product"],
  approve: ["setujui", "approve"],
  reject: ["tolak", "reject"],
  broadcast: ["broadcast"],
  broadcast_status: ["broadcast_status"],
  broadcast_pause: ["broadcast_pause"],
  broadcast_resume: ["broadcast_resume"],
  broadcast_cancel: ["broadcast_cancel"],
  dashboard: ["dashboard"],
} as const;

export type PayerCommand = keyof typeof PAYER_COMMANDS;
export type AdminCommand = keyof typeof ADMIN_COMMANDS;

export type ParsedCommand =
  | { kind: "payer"; name: PayerCommand; args: string[]; slash: boolean }
  /** `rest` is the raw text after the command word, newlines kept (a broadcast's message). */
  | { kind: "admin"; name: AdminCommand; args: string[]; rest: string; slash: boolean }
  | { kind: "unknown"; word: string; slash: boolean };

const payerByWord = new Map<string, PayerCommand>();
for (const [name, words] of Object.entries(PAYER_COMMANDS) as [PayerCommand, readonly string[]][]) for (const w of words) payerByWord.set(w, name);
const adminByWord = new Map<string, AdminCommand>();
for (const [name, words] of Object.entries(ADMIN_COMMANDS) as [AdminCommand, readonly string[]][]) for (const w of words) adminByWord.set(w, name);

/**
 * Recognises a command. A `/word` is always a command (unknown ones too); a bare word only when it
 * is a known payer command, so ordinary text (a customer number, a label) is never taken for one.
 * Admin commands need the slash, so a payer's word never reaches them by accident.
 */
export function parseCommand(text: string): ParsedCommand | null {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 1000) return null;
  const slash = trimmed.startsWith("/");
  const [head = "", ...args] = (slash ? trimmed.slice(1) : trimmed).split(/\s+/);
  // Telegram appends the bot's name in groups: /saldo@LoketBot
  const word = head.replace(/@\w+$/, "").toLowerCase();
  const payer = payerByWord.get(word);
  if (payer) {
    // Bare words with trailing text are commands only where arguments make sense ("status LK…").
    if (!slash && args.length > 0 && !["status", "receipt", "language", "topup_request", "reminders"].includes(payer)) return null;
    return { kind: "payer", name: payer, args, slash };
  }
  if (!slash) return null;
  const admin = adminByWord.get(word);
  if (admin) return { kind: "admin", name: admin, args, rest: trimmed.slice(1 + head.length).trim(), slash };
  return { kind: "unknown", word, slash };
}
