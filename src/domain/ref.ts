import { randomBytes } from "node:crypto";

// Crockford's base32 without I, L, O, U: easy to read aloud to support, alphanumeric as IAK demands.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function randomCode(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** Our transaction reference: `LK` + 12 random characters, alphanumeric (IAK RC 03) and unique. */
export function mintRef(): string {
  return `LK${randomCode(12)}`;
}

/** The short id a payer reads out to an admin for top-ups (`/id`). */
export function mintPublicId(): string {
  return `U${randomCode(7)}`;
}

export function looksLikeRef(text: string): boolean {
  return /^LK[0-9A-Z]{12}$/.test(text.toUpperCase());
}
