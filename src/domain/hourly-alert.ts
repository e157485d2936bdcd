import type { MetaRepo } from "../db/meta-repo.ts";
import type { Locale } from "../i18n.ts";
import type { Notifier } from "./notifier.ts";

const HOUR_MS = 3_600_000;

/**
 * An admin alert said at most once an hour per kind (a low deposit, a method the account lacks):
 * otherwise every payment would page the admins. The last time is a `meta` row, written in the
 * caller's commit with the alert, so a restart does not say it again.
 */
export function createHourlyAlert(deps: { meta: MetaRepo; now: () => number; notifier: Pick<Notifier, "toAdmins"> }) {
  return function alertOncePerHour(kind: string, text: (locale: Locale) => string): void {
    const key = `alerted_at:${kind}`;
    const last = deps.meta.get(key);
    const now = deps.now();
    if (last !== null && now - Number(last) < HOUR_MS) return;
    deps.meta.set(key, String(now));
    deps.notifier.toAdmins((locale) => ({ text: text(locale) }));
  };
}
