import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureOf, verifySignature } from "../../../src/transports/whatsapp-cloud/signature.ts";

const SECRET = "0123456789abcdef0123456789abcdef";
const bytes = (s: string) => new TextEncoder().encode(s);

describe("X-Hub-Signature-256", () => {
  it("accepts Meta's signature over the raw bytes, hex in either case", () => {
    const raw = '{"object":"whatsapp_business_account","entry":[]}';
    const hex = createHmac("sha256", SECRET).update(raw).digest("hex");
    expect(verifySignature(bytes(raw), `sha256=${hex}`, SECRET)).toBe(true);
    expect(verifySignature(bytes(raw), `sha256=${hex.toUpperCase()}`, SECRET)).toBe(true);
    expect(signatureOf(raw, SECRET)).toBe(`sha256=${hex}`);
  });

  it("checks the bytes as sent: Meta's \\u escapes and raw UTF-8 are different bodies", () => {
    const escaped = '{"text":"Sit\\u00e9 @ / \\u2713"}';
    const utf8 = '{"text":"Sité @ / ✓"}';
    const sig = signatureOf(escaped, SECRET);
    expect(verifySignature(bytes(escaped), sig, SECRET)).toBe(true);
    // Re-serialising the parsed body (what breaks naive checks) gives other bytes and must fail.
    expect(verifySignature(bytes(JSON.stringify(JSON.parse(escaped))), sig, SECRET)).toBe(false);
    expect(verifySignature(bytes(utf8), signatureOf(utf8, SECRET), SECRET)).toBe(true);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["without the sha256= prefix", createHmac("sha256", SECRET).update("{}").digest("hex")],
    ["sha1", `sha1=${createHmac("sha1", SECRET).update("{}").digest("hex")}`],
    ["too short", "sha256=abcd"],
    ["not hex", `sha256=${"z".repeat(64)}`],
    ["another secret", signatureOf("{}", "another-secret-0123456789")],
    ["another body", signatureOf("{ }", SECRET)],
  ])("refuses a %s signature", (_what, header) => {
    expect(verifySignature(bytes("{}"), header, SECRET)).toBe(false);
  });
});
