/**
 * WhatsApp JIDs as this adapter needs them, without Baileys (pure, cheap to test). A person is
 * `<digits>@s.whatsapp.net` (phone) or `<digits>@lid` (privacy id); a device of theirs adds
 * `:<n>` before the `@`, which is not part of who they are.
 */
export type JidKind = "pn" | "lid" | "group" | "status" | "broadcast" | "newsletter" | "other";

const PERSON = /^(\d+)(?::\d+)?@(s\.whatsapp\.net|lid)$/;

export const STATUS_JID = "status@broadcast";

export function jidKind(jid: string): JidKind {
  if (jid === STATUS_JID) return "status";
  const m = PERSON.exec(jid);
  if (m) return m[2] === "lid" ? "lid" : "pn";
  if (jid.endsWith("@g.us")) return "group";
  if (jid.endsWith("@broadcast")) return "broadcast";
  if (jid.endsWith("@newsletter")) return "newsletter";
  return "other";
}

/** A one-to-one chat with a person: the only chats Loket answers. */
export function isPrivateChat(jid: string): boolean {
  const kind = jidKind(jid);
  return kind === "pn" || kind === "lid";
}

/** `6281…:12@s.whatsapp.net` → `6281…@s.whatsapp.net`; null when it is not a person's JID. */
export function normalizePersonJid(jid: string): string | null {
  const m = PERSON.exec(jid);
  return m ? `${m[1]}@${m[2]}` : null;
}

/** The digits before the `@` (and before any device suffix). */
export function jidUser(jid: string): string | null {
  return PERSON.exec(jid)?.[1] ?? null;
}

export function phoneJid(user: string): string {
  return `${user}@s.whatsapp.net`;
}

export function lidJid(user: string): string {
  return `${user}@lid`;
}
