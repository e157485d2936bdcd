import { describe, expect, it } from "vitest";
import { csrfTokenFor, hashSecret, looksLikeSecret, newSecret, sameSecret } from "../../src/dashboard/secrets.ts";

describe("dashboard secrets", () => {
  it("are 32 random bytes in base64url, never the same twice", () => {
    const a = newSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(looksLikeSecret(a)).toBe(true);
    expect(new Set(Array.from({ length: 100 }, newSecret)).size).toBe(100);
  });

  it("refuse anything of another shape before it is looked up", () => {
    for (const v of [undefined, null, "", "a".repeat(42), "a".repeat(44), `${"a".repeat(42)}=`, `${"a".repeat(42)}/`]) expect(looksLikeSecret(v)).toBe(false);
  });

  it("are stored as a hash, and the CSRF token is neither the secret nor its hash", () => {
    const s = newSecret();
    expect(hashSecret(s)).toMatch(/^[0-9a-f]{64}$/);
    expect(csrfTokenFor(s)).not.toBe(s);
    expect(csrfTokenFor(s)).not.toBe(hashSecret(s));
    expect(csrfTokenFor(s)).toBe(csrfTokenFor(s));
    expect(csrfTokenFor(s)).not.toBe(csrfTokenFor(newSecret()));
  });

  it("compare equal only when equal, whatever the lengths", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abc", "abd")).toBe(false);
    expect(sameSecret("abc", "abcd")).toBe(false);
    expect(sameSecret("", "x")).toBe(false);
  });
});
