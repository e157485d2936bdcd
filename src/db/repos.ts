import type { Db } from "./open.ts";
import { createAuditRepo } from "./audit-repo.ts";
import { createBroadcastRepo } from "./broadcasts-repo.ts";
import { createInboundRepo } from "./inbound-repo.ts";
import { createLedgerRepo } from "./ledger-repo.ts";
import { createMetaRepo } from "./meta-repo.ts";
import { createOutboxRepo } from "./outbox-repo.ts";
import { createProductSwitchesRepo } from "./product-switches-repo.ts";
import { createReminderRunsRepo } from "./reminder-runs-repo.ts";
import { createReminderSettingsRepo } from "./reminder-settings-repo.ts";
import { createSavedNumbersRepo } from "./saved-numbers-repo.ts";
import { createSessionsRepo } from "./sessions-repo.ts";
import { createStatsRepo } from "./stats-repo.ts";
import { createTelegramInbox } from "./telegram-inbox-repo.ts";
import { createTopupRequestsRepo } from "./topup-requests-repo.ts";
import { createTransactionsRepo } from "./transactions-repo.ts";
import { createUsersRepo } from "./users-repo.ts";
import { createWhatsappAuthRepo } from "./whatsapp-auth-repo.ts";

/** Every repository over one database, with its statements prepared once. */
export function createRepos(db: Db) {
  return {
    users: createUsersRepo(db),
    ledger: createLedgerRepo(db),
    transactions: createTransactionsRepo(db),
    outbox: createOutboxRepo(db),
    inbound: createInboundRepo(db),
    sessions: createSessionsRepo(db),
    savedNumbers: createSavedNumbersRepo(db),
    audit: createAuditRepo(db),
    productSwitches: createProductSwitchesRepo(db),
    topupRequests: createTopupRequestsRepo(db),
    meta: createMetaRepo(db),
    stats: createStatsRepo(db),
    broadcasts: createBroadcastRepo(db),
    telegramInbox: createTelegramInbox(db),
    whatsappAuth: createWhatsappAuthRepo(db),
    reminderSettings: createReminderSettingsRepo(db),
    reminderRuns: createReminderRunsRepo(db),
  };
}
export type Repos = ReturnType<typeof createRepos>;
