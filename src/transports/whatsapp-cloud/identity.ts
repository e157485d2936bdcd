import type { InboundEvent } from "../../domain/messages.ts";

/**
 * The engine decides admin rights on the event's user id alone. The Cloud API names everyone by
 * phone number; an admin listed by LID (`digits@lid`, ADMIN_WHATSAPP_NUMBERS) who wrote through
 * Baileys before has both ids on one user. So when the phone id is not an admin but another id of
 * the same user is, that id leads and the phone id becomes an alias — as the Baileys transport does
 * (whatsapp/identity.ts). Nobody else is looked up.
 */
export function withAdminIdentity(
  event: InboundEvent,
  lookup: { identitiesOf(userId: string): string[] },
  isAdmin: (userId: string) => boolean,
  hasLidAdmins: boolean,
): InboundEvent {
  if (!hasLidAdmins || isAdmin(event.userId)) return event;
  const admin = lookup.identitiesOf(event.userId).find((id) => id !== event.userId && isAdmin(id));
  return admin === undefined ? event : { ...event, userId: admin, aliases: [event.userId] };
}
