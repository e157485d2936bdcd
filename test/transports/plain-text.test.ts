import { describe, expect, it } from "vitest";
import { htmlToPlain } from "../../src/transports/plain-text.ts";

describe("plain text", () => {
  it("turns the engine's HTML into plain text without un-escaping tricks", () => {
    const style = { bold: ["*", "*"], italic: ["_", "_"], code: ["", ""] } as { bold: [string, string]; italic: [string, string]; code: [string, string] };
    expect(htmlToPlain("<b>Nama:</b> SITI &lt;B&gt;&amp;AMP;", style)).toBe("*Nama:* SITI <B>&AMP;");
  });
});
