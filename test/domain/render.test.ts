import { describe, expect, it } from "vitest";
import { reasonText } from "../../src/domain/render.ts";
import { createTranslator } from "../../src/i18n.ts";

const t = createTranslator();

describe("reasonText", () => {
  it("quotes the biller's words when there are some", () => {
    expect(reasonText(t, "id", "provider_error", "Nomor VA tidak terdaftar")).toBe("biller menjawab: Nomor VA tidak terdaftar");
  });

  it.each([undefined, null, "", "  "])("a biller error whose words were dropped (%j) reads as our own reason, not an empty quote", (message) => {
    expect(reasonText(t, "id", "provider_error", message)).toBe(t("id", "reasons.failed"));
    expect(reasonText(t, "en", "provider_error", message)).toBe(t("en", "reasons.failed"));
  });
});
