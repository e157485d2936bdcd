import { describe, expect, it } from "vitest";
import { maskWaId, personJidOf, recipientOf, waIdOfAddress } from "../../../src/transports/whatsapp-cloud/address.ts";

describe("addresses", () => {
  it("names a Cloud API person the way Baileys did", () => {
    expect(personJidOf("6281234567890")).toBe("6281234567890@s.whatsapp.net");
  });

  it("reaches a phone JID (with or without device) or bare digits, never a LID or a group", () => {
    expect(waIdOfAddress("6281234567890@s.whatsapp.net")).toBe("6281234567890");
    expect(waIdOfAddress("6281234567890:12@s.whatsapp.net")).toBe("6281234567890");
    expect(waIdOfAddress("6281234567890")).toBe("6281234567890");
    expect(waIdOfAddress("123456789012345@lid")).toBeNull();
    expect(waIdOfAddress("120363@g.us")).toBeNull();
    expect(waIdOfAddress("+6281234567890")).toBeNull();
    expect(waIdOfAddress("console")).toBeNull();
  });

  it("sends to +<country code><number> and logs only the last digits", () => {
    expect(recipientOf("6281234567890")).toBe("+6281234567890");
    expect(maskWaId("6281234567890")).toBe("*********7890");
  });
});
