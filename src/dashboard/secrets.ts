import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The dashboard's secrets (docs/dashboard.md#login): 32 random bytes, base64url, handed out once
 * (a login link's token, a session cookie) and stored only as their SHA-256, so neither a copy of
 * the database nor its backups can be turned back into a working link or session.
 */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** 32 bytes in base64url, no padding: anything else is refused before it reaches the database. */
export function looksLikeSecret(value: string | undefined | null): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/**
 * The per-session CSRF token put in every form: derived from the session's secret (which only the
 * session's browser holds), so it needs no storage and dies with the session. Its own label keeps it
 * apart from the stored hash.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHash("sha256").update(`loket-dashboard-csrf:${sessionSecret}`).digest("base64url");
}

/** Compares two strings in time independent of where they differ (both are hashed to equal length first). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}
