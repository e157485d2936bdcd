import type { AuditRepo } from "../db/audit-repo.ts";
import type { DashboardAuthRepo, DashboardIdentity } from "../db/dashboard-auth-repo.ts";
import { hashSecret, newSecret } from "./secrets.ts";

/** A login link works once, within ten minutes of being sent. */
export const LOGIN_LINK_TTL_MS = 10 * 60_000;

export interface DashboardLinks {
  /** A fresh one-time login link for this admin (the caller has checked they are one). */
  issue(who: DashboardIdentity, now: number): string;
}

/**
 * Issues the links `/dashboard` sends (docs/dashboard.md#login): a random token, stored hashed with
 * the admin's identity and an expiry, written in the command's own commit. The link is built on
 * PUBLIC_BASE_URL; opening it shows a page whose button spends the token, so a chat app's link
 * preview, which only fetches the page, cannot use it up.
 */
export function createLoginLinks(deps: { repo: DashboardAuthRepo; audit: AuditRepo; baseUrl: string }): DashboardLinks {
  return {
    issue(who, now) {
      // Whatever expired can log nobody in any more; dropping it here keeps the tables small.
      deps.repo.prune(now);
      const token = newSecret();
      deps.repo.createLink(hashSecret(token), who, now, now + LOGIN_LINK_TTL_MS);
      deps.audit.record(who.actor, "dashboard_link", { platform: who.platform }, now);
      return `${deps.baseUrl}/admin/login?token=${token}`;
    },
  };
}
