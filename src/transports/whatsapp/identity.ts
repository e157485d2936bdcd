import type { LidMappingLookup } from "./auth-state.ts";
import { jidKind, jidUser, lidJid, normalizePersonJid, phoneJid } from "./jid.ts";

export interface WhatsappIdentity {
  /** The person's JID without device suffix: the user id the engine keys on. */
  userId: string;
  /** The same person's other form (phone JID ↔ @lid), when WhatsApp or Baileys revealed it. */
  aliases: string[];
}

/**
 * Who wrote: WhatsApp names one person by phone JID or by LID, and the engine merges every id in
 * an event into one user, so one person keeps one balance (docs/money.md#the-ledger). The other form comes from
 * the message itself (7.x `remoteJidAlt`; `senderPn`/`senderLid` in older builds) or from the
 * mapping Baileys keeps in the auth store.
 */
export function resolveIdentity(
  remoteJid: string,
  revealed: readonly (string | null | undefined)[],
  mapping: LidMappingLookup,
  isAdmin: (jid: string) => boolean,
): WhatsappIdentity | null {
  const primary = normalizePersonJid(remoteJid);
  if (primary === null) return null;
  const ids = new Set<string>([primary]);
  for (const jid of revealed) {
    if (!jid) continue;
    const normal = normalizePersonJid(jid);
    if (normal !== null) ids.add(normal);
  }
  for (const jid of [...ids]) {
    const user = jidUser(jid);
    if (user === null) continue;
    if (jidKind(jid) === "lid") {
      const pn = mapping.pnUserForLidUser(user);
      if (pn !== null) ids.add(phoneJid(pn));
    } else {
      const lid = mapping.lidUserForPnUser(user);
      if (lid !== null) ids.add(lidJid(lid));
    }
  }
  // The engine decides admin rights on the user id alone. An admin listed by phone who writes
  // from a LID chat (or the reverse) must still be recognised, so the admin's listed form leads.
  let userId = primary;
  if (!isAdmin(primary)) userId = [...ids].find((id) => isAdmin(id)) ?? primary;
  return { userId, aliases: [...ids].filter((id) => id !== userId) };
}
