import type { OutboxRepo } from "../db/outbox-repo.ts";
import type { UsersRepo } from "../db/users-repo.ts";
import { localeOr, type Locale } from "../i18n.ts";
import type { QueuedMessage } from "./delivery/outbox-sender.ts";
import type { OutboundMessage, Platform } from "./messages.ts";

export interface AdminAddress {
  platform: Platform;
  /** The admin's platform id (Telegram user id, WhatsApp JID or "console"). */
  externalId: string;
  address: string;
}

/**
 * Writes messages to the outbox inside the caller's commit, so a notice exists if and only if the
 * state change that caused it was committed (docs/delivery.md). `wrote` hands each row to the outbox
 * sender, which sends it once the commit is done.
 */
export function createNotifier(deps: {
  outbox: OutboxRepo;
  users: UsersRepo;
  admins: readonly AdminAddress[];
  defaultLocale: Locale;
  now: () => number;
  /** Told of every row written (and its id), in the writer's commit. */
  wrote: (row: QueuedMessage) => void;
}) {
  function localeOf(userId: number | null): Locale {
    return userId === null ? deps.defaultLocale : localeOr(deps.users.findById(userId)?.locale, deps.defaultLocale);
  }

  function toAddress(platform: Platform, address: string, userId: number | null, message: OutboundMessage): void {
    const now = deps.now();
    const id = deps.outbox.enqueue({ platform, address, userId, message, now });
    deps.wrote({ id, platform, address, userId, message, attempts: 0, nextAttemptAt: now });
  }

  return {
    localeOf,
    toAddress,
    /** To a payer at the address they last wrote from, in their language. */
    toUser(userId: number, build: (locale: Locale) => OutboundMessage): void {
      const user = deps.users.findById(userId);
      if (!user) return;
      toAddress(user.platform, user.address, userId, build(localeOr(user.locale, deps.defaultLocale)));
    },
    toAdmins(build: (locale: Locale) => OutboundMessage): void {
      for (const admin of deps.admins) {
        const user = deps.users.findByIdentity(admin.platform, admin.externalId);
        toAddress(admin.platform, user?.address ?? admin.address, user?.id ?? null, build(localeOr(user?.locale, deps.defaultLocale)));
      }
    },
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
