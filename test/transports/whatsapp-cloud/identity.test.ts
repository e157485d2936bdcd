import { describe, expect, it } from "vitest";
import type { InboundEvent } from "../../../src/domain/messages.ts";
import { withAdminIdentity } from "../../../src/transports/whatsapp-cloud/identity.ts";

const PN = "6281234567890@s.whatsapp.net";
const LID = "123456789012345@lid";
const event: InboundEvent = { platform: "whatsapp", userId: PN, address: PN, messageId: "cloud:w", text: "/stats" };
const lookup = { identitiesOf: (id: string) => (id === PN ? [PN, LID] : []) };

describe("withAdminIdentity", () => {
  it("lets an admin listed by LID lead when their phone id is known to be the same person", () => {
    expect(withAdminIdentity(event, lookup, (id) => id === LID, true)).toEqual({ ...event, userId: LID, aliases: [PN] });
  });

  it("leaves everyone else, and admins listed by number, as they are", () => {
    expect(withAdminIdentity(event, lookup, () => false, true)).toBe(event);
    expect(withAdminIdentity(event, lookup, (id) => id === PN, true)).toBe(event);
    expect(withAdminIdentity(event, { identitiesOf: () => [] }, (id) => id === LID, true)).toBe(event);
  });

  it("looks nobody up when no admin is listed by LID", () => {
    const never = { identitiesOf: (): string[] => expect.unreachable() };
    expect(withAdminIdentity(event, never, () => false, false)).toBe(event);
  });
});
