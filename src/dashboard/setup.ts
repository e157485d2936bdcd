import type { Logger } from "pino";
import { createAdminActions } from "../admin/admin-actions.ts";
import type { Config } from "../config.ts";
import type { GroupCommitter } from "../db/group-commit.ts";
import type { Repos } from "../db/repos.ts";
import type { Platform } from "../domain/messages.ts";
import type { Notifier } from "../domain/notifier.ts";
import type { PaymentService } from "../domain/payments/payment-service.ts";
import type { HttpServer } from "../http/http-server.ts";
import type { Translate } from "../i18n.ts";
import { createDashboard } from "./dashboard.ts";
import { BASE } from "./layout.ts";
import { createLoginLinks, type DashboardLinks } from "./login-links.ts";
import { createDashboardSessions } from "./sessions.ts";

/** Where a login link points: PUBLIC_BASE_URL, or this machine's PORT when none is configured. */
export function dashboardBaseUrl(config: Pick<Config, "publicBaseUrl" | "http">): string {
  return config.publicBaseUrl ?? `http://localhost:${config.http.port}`;
}

/**
 * Wires the dashboard into the app (docs/dashboard.md): mounts it under /admin on the bot's HTTP
 * server and returns what /dashboard needs to send links — or null when DASHBOARD=false, and then
 * nothing is mounted.
 */
export function setupDashboard(deps: {
  config: Config;
  repos: Repos;
  commits: GroupCommitter;
  payments: PaymentService;
  notifier: Notifier;
  t: Translate;
  now: () => number;
  log: Logger;
  isAdmin: (platform: Platform, externalId: string) => boolean;
  http: HttpServer;
  /** Money came in for a person: their waiting auto-payments run now (docs/reminders.md). */
  balanceCredited?: (userId: number) => void;
}): DashboardLinks | null {
  const { config, repos } = deps;
  if (!config.dashboard.enabled) return null;
  const baseUrl = dashboardBaseUrl(config);
  const actions = createAdminActions({ ...deps, topupConfirmAbove: config.topupConfirmAbove });
  const sessions = createDashboardSessions({ repo: repos.dashboardAuth, audit: repos.audit, commits: deps.commits, isAdmin: deps.isAdmin, now: deps.now });
  deps.http.mount(
    BASE,
    createDashboard({
      repos,
      commits: deps.commits,
      actions,
      sessions,
      t: deps.t,
      now: deps.now,
      log: deps.log,
      publicBaseUrl: baseUrl,
      defaultLocale: config.defaultLocale,
      topupConfirmAbove: config.topupConfirmAbove,
    }),
  );
  return createLoginLinks({ repo: repos.dashboardAuth, audit: repos.audit, baseUrl });
}
