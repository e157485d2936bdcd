import type { Repos } from "../db/repos.ts";
import type { Locale } from "../i18n.ts";
import { isLocale } from "../i18n.ts";
import type { OutboundMessage, Platform } from "./messages.ts";

export interface AdminAddress {
  platform: Platform;
  /** The admin's platform id (Telegram user id, WhatsApp JID or "console"). */
  externalId: string;
  address: string;
}

/**
 * Writes messages to the outbox inside the caller's transaction, so a notice exists if and only
 * if the state change that caused it was committed. `kick` asks the sender to look at once.
 */
export function createNotifier(deps: {
  repos: Repos;
  admins: readonly AdminAddress[];
  defaultLocale: Locale;
  now: () => number;
  kick: () => void;
}) {
  const { repos } = deps;

  function localeOf(userId: number | null): Locale {
    if (userId === null) return deps.defaultLocale;
    const l = repos.users.findById(userId)?.locale;
    return l && isLocale(l) ? l : deps.defaultLocale;
  }

  return {
    localeOf,
    toAddress(platform: Platform, address: string, userId: number | null, message: OutboundMessage, priority = 0) {
      repos.outbox.enqueue({ platform, address, userId, message, priority, now: deps.now() });
      deps.kick();
    },
    /** To a payer at the address they last wrote from. */
    toUser(userId: number, build: (locale: Locale) => OutboundMessage) {
      const user = repos.users.findById(userId);
      if (!user) return;
      const message = build(localeOf(userId));
      repos.outbox.enqueue({ platform: user.platform, address: user.address, userId, message, now: deps.now() });
      deps.kick();
    },
    toAdmins(build: (locale: Locale) => OutboundMessage) {
      for (const admin of deps.admins) {
        const user = repos.users.findByIdentity(admin.platform, admin.externalId);
        const locale = user ? localeOf(user.id) : deps.defaultLocale;
        repos.outbox.enqueue({
          platform: admin.platform,
          address: user?.address ?? admin.address,
          userId: user?.id ?? null,
          message: build(locale),
          now: deps.now(),
        });
      }
      deps.kick();
    },
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
