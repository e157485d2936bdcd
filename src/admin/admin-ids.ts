/**
 * Admins are matched exactly: no prefix or suffix matching. A WhatsApp JID may carry a
 * device suffix (`6281…:12@s.whatsapp.net`), which is not part of the person's id.
 */
export function isWhatsappAdmin(admins: readonly string[], jid: string): boolean {
  const m = /^(\d+)(?::\d+)?@(s\.whatsapp\.net|lid)$/.exec(jid);
  if (!m) return false;
  const id = m[2] === "lid" ? `${m[1]}@lid` : m[1]!;
  return admins.includes(id);
}
