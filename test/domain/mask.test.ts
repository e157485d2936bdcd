import { describe, expect, it } from "vitest";
import { maskDigits, maskName } from "../../src/domain/mask.ts";

describe("masking", () => {
  it("keeps two letters of each word", () => {
    expect(maskName("ONI SAPUTRA")).toBe("ON* SA*****");
    expect(maskName("A BUDI")).toBe("A BU**");
    expect(maskName("AB")).toBe("A*");
  });
  it("keeps a provider's own masking", () => expect(maskName("RIS** A* DZUH**")).toBe("RIS** A* DZUH**"));
  it("masks a NIK to its last four digits", () => expect(maskDigits("8102051011270000")).toBe("************0000"));
});
