import type { Logger } from "pino";
import type { GroupCommitter } from "../../db/group-commit.ts";
import type { Notifier } from "../../domain/notifier.ts";
import type { Translate } from "../../i18n.ts";

const HOUR_MS = 3_600_000;

/**
 * What an operator must fix, told to the admins through the app's notifier (an outbox row to each
 * admin, on every platform) and logged at error level (docs/whatsapp-cloud.md#when-something-is-held).
 * A missing or refused template is told once per kind while the process runs; a refused token or a
 * limited account once an hour. After a restart an unfixed problem is told once more.
 */
export function createCloudAlerts(deps: { notifier: Pick<Notifier, "toAdmins">; commits: GroupCommitter; t: Translate; log: Logger; now: () => number }) {
  const told = new Map<string, number>();

  function tell(key: string, everyMs: number, textKey: string, vars: Record<string, unknown>, logLine: string): void {
    const last = told.get(key);
    if (last !== undefined && deps.now() - last < everyMs) return;
    told.set(key, deps.now());
    deps.log.error(vars, `${logLine}; the admins are told`);
    deps.commits
      .run(() => deps.notifier.toAdmins((locale) => ({ text: deps.t(locale, textKey, vars) })))
      .catch((err: unknown) => deps.log.error({ err }, "could not tell the admins"));
  }

  return {
    noTemplate(kind: string): void {
      const variable = `WHATSAPP_TEMPLATE_${kind.toUpperCase()}`;
      tell(
        `no_template:${kind}`,
        Infinity,
        "whatsapp_cloud.alert_no_template",
        { kind, variable },
        "a message outside the 24-hour window is held: no template configured",
      );
    },
    templateRefused(kind: string, name: string, language: string, detail: string): void {
      tell(
        `template_refused:${kind}:${name}:${language}`,
        Infinity,
        "whatsapp_cloud.alert_template_refused",
        // `template`, not `name`: the logger redacts any field called name (a payer's).
        { kind, template: name, language, detail },
        "Meta refused a template; messages of its kind are held",
      );
    },
    token(detail: string): void {
      tell("token", HOUR_MS, "whatsapp_cloud.alert_token", { detail }, "Meta refused the WhatsApp Cloud access token; messages are held");
    },
    account(detail: string): void {
      tell("account", HOUR_MS, "whatsapp_cloud.alert_account", { detail }, "Meta is holding the WhatsApp business account back; sending is postponed");
    },
  };
}
export type CloudAlerts = ReturnType<typeof createCloudAlerts>;
