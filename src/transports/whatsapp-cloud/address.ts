import { jidKind, jidUser, phoneJid } from "../whatsapp/jid.ts";

/** A WhatsApp id as the Cloud API names people: digits only, with the country code. */
const WA_ID = /^\d{6,20}$/;

export function isWaId(value: string): boolean {
  return WA_ID.test(value);
}

/**
 * One person is one user whichever way WhatsApp reached us (docs/whatsapp-cloud.md#one-person-one-balance):
 * the Cloud API's `wa_id` is the phone number, which Baileys named `<number>@s.whatsapp.net`. The
 * cloud transport keeps that form as the user id and the address, so a payer from the Baileys days
 * keeps their balance, admins listed by number stay admins, and switching back stays possible.
 */
export function personJidOf(waId: string): string {
  return phoneJid(waId);
}

/**
 * The `wa_id` to send to for an address: `<number>@s.whatsapp.net` (with or without a device
 * suffix) or bare digits. A LID (`…@lid`) names nobody the Cloud API knows: null.
 */
export function waIdOfAddress(address: string): string | null {
  if (isWaId(address)) return address;
  if (jidKind(address) !== "pn") return null;
  const user = jidUser(address);
  return user !== null && isWaId(user) ? user : null;
}

/** `to` as Meta recommends it: `+` and the country code, so no country code is prepended (docs/whatsapp-cloud.md#sending). */
export function recipientOf(waId: string): string {
  return `+${waId}`;
}

/** Enough of a number to tell people apart in a log line, not enough to call them. */
export function maskWaId(waId: string): string {
  return waId.length <= 4 ? "****" : `${"*".repeat(waId.length - 4)}${waId.slice(-4)}`;
}
