import type { Db } from "./open.ts";
import type { Platform } from "../domain/messages.ts";

/** Who a link or a session belongs to: the admin's platform id (checked against the admin lists) and their audit name. */
export interface DashboardIdentity {
  platform: Platform;
  externalId: string;
  actor: string;
  locale: string;
}

export interface DashboardLinkRow {
  token_hash: string;
  platform: Platform;
  external_id: string;
  actor: string;
  locale: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface DashboardSessionRow {
  id_hash: string;
  platform: Platform;
  external_id: string;
  actor: string;
  locale: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
}

/**
 * One-time login links and dashboard sessions (docs/dashboard.md#login). Only hashes of the secrets
 * are stored; every "use" is a compare-and-set, so a link logs in once and an ended session stays ended.
 */
export function createDashboardAuthRepo(db: Db) {
  const insertLink = db.prepare(
    `INSERT INTO dashboard_links (token_hash, platform, external_id, actor, locale, created_at, expires_at)
     VALUES (@hash, @platform, @externalId, @actor, @locale, @now, @expiresAt)`,
  );
  const peekLink = db.prepare<[string, number], DashboardLinkRow>("SELECT * FROM dashboard_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
  const useLink = db.prepare<[number, string, number], DashboardLinkRow>(
    "UPDATE dashboard_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING *",
  );
  const insertSession = db.prepare(
    `INSERT INTO dashboard_sessions (id_hash, platform, external_id, actor, locale, created_at, expires_at)
     VALUES (@hash, @platform, @externalId, @actor, @locale, @now, @expiresAt)`,
  );
  const findSession = db.prepare<[string, number], DashboardSessionRow>(
    "SELECT * FROM dashboard_sessions WHERE id_hash = ? AND ended_at IS NULL AND expires_at > ?",
  );
  const endSession = db.prepare<[number, string]>("UPDATE dashboard_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL");
  const pruneLinks = db.prepare<[number]>("DELETE FROM dashboard_links WHERE expires_at < ?");
  const pruneSessions = db.prepare<[number]>("DELETE FROM dashboard_sessions WHERE expires_at < ?");

  return {
    createLink(hash: string, who: DashboardIdentity, now: number, expiresAt: number): void {
      insertLink.run({ hash, ...who, now, expiresAt });
    },
    /** An unused, unexpired link (the login page shows whose it is before it is used). */
    peekLink: (hash: string, now: number) => peekLink.get(hash, now),
    /** Marks the link used and returns it, once; undefined when unknown, used or expired. */
    useLink: (hash: string, now: number) => useLink.get(now, hash, now),
    createSession(hash: string, who: DashboardIdentity, now: number, expiresAt: number): void {
      insertSession.run({ hash, ...who, now, expiresAt });
    },
    /** The session if it exists, was never ended, and has not expired. */
    findSession: (hash: string, now: number) => findSession.get(hash, now),
    endSession: (hash: string, now: number) => endSession.run(now, hash).changes === 1,
    /** Drops links and sessions past their time (they can do nothing any more; logins stay in the audit). */
    prune(before: number): void {
      pruneLinks.run(before);
      pruneSessions.run(before);
    },
  };
}
export type DashboardAuthRepo = ReturnType<typeof createDashboardAuthRepo>;
