import type { AuditRepo } from "../db/audit-repo.ts";
import type { DashboardAuthRepo, DashboardSessionRow } from "../db/dashboard-auth-repo.ts";
import type { GroupCommitter } from "../db/group-commit.ts";
import type { Platform } from "../domain/messages.ts";
import { hashSecret, looksLikeSecret, newSecret } from "./secrets.ts";

/** A dashboard session lasts twelve hours from login; there is no sliding renewal. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;

export type LoginResult = { ok: true; secret: string; session: DashboardSessionRow } | { ok: false; why: "invalid" | "not_admin" };

/**
 * Dashboard sessions (docs/dashboard.md#sessions): a login spends a link (compare-and-set) and
 * starts a session in one commit; the browser holds the session's secret in a cookie, the database
 * its hash. A session is valid while it is unexpired, not ended, and its admin is still listed.
 */
export function createDashboardSessions(deps: {
  repo: DashboardAuthRepo;
  audit: AuditRepo;
  commits: GroupCommitter;
  isAdmin: (platform: Platform, externalId: string) => boolean;
  now: () => number;
}) {
  const { repo } = deps;

  return {
    /** The link a login page would spend, without spending it (to say whose it is, or that it is dead). */
    peek(token: string | undefined) {
      return looksLikeSecret(token) ? repo.peekLink(hashSecret(token), deps.now()) : undefined;
    },

    /** Spends a link once and starts a session for its admin; audited. */
    login(token: string | undefined): Promise<LoginResult> {
      return deps.commits.run((): LoginResult => {
        if (!looksLikeSecret(token)) return { ok: false, why: "invalid" };
        const now = deps.now();
        const link = repo.useLink(hashSecret(token), now);
        if (!link) return { ok: false, why: "invalid" };
        // Admin lists can change between the link and the login: the list in force now decides.
        if (!deps.isAdmin(link.platform, link.external_id)) {
          deps.audit.record(link.actor, "dashboard_login_refused", { reason: "not_admin" }, now);
          return { ok: false, why: "not_admin" };
        }
        const secret = newSecret();
        const who = { platform: link.platform, externalId: link.external_id, actor: link.actor, locale: link.locale };
        repo.createSession(hashSecret(secret), who, now, now + SESSION_TTL_MS);
        deps.audit.record(link.actor, "dashboard_login", { platform: link.platform }, now);
        return { ok: true, secret, session: repo.findSession(hashSecret(secret), now)! };
      });
    },

    /** The session a cookie names, if it is still good (and its admin still an admin). */
    current(secret: string | undefined): DashboardSessionRow | null {
      if (!looksLikeSecret(secret)) return null;
      const session = repo.findSession(hashSecret(secret), deps.now());
      if (!session || !deps.isAdmin(session.platform, session.external_id)) return null;
      return session;
    },

    /** Ends a session for good; audited. */
    logout(secret: string, session: DashboardSessionRow): Promise<void> {
      return deps.commits.run(() => {
        const now = deps.now();
        if (repo.endSession(hashSecret(secret), now)) deps.audit.record(session.actor, "dashboard_logout", {}, now);
      });
    },
  };
}
export type DashboardSessions = ReturnType<typeof createDashboardSessions>;
