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
import { createTopupOrdersRepo } from "./topup-orders-repo.ts";
import { createGatewayNotificationsRepo } from "./gateway-notifications-repo.ts";
import { createTransactionsRepo } from "./transactions-repo.ts";
import { createUsersRepo } from "./users-repo.ts";
import { createWhatsappAuthRepo } from "./whatsapp-auth-repo.ts";
import { createWhatsappCloudRepo } from "./whatsapp-cloud-repo.ts";
import { createDashboardAuthRepo } from "./dashboard-auth-repo.ts";
import { createProviderDepositRepo } from "./provider-deposit-repo.ts";
import { createTopupOrderReportsRepo } from "./topup-order-reports-repo.ts";
import { createTransactionReportsRepo } from "./transaction-reports-repo.ts";

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
    whatsappCloud: createWhatsappCloudRepo(db),
    dashboardAuth: createDashboardAuthRepo(db),
    providerDeposit: createProviderDepositRepo(db),
    topupOrderReports: createTopupOrderReportsRepo(db),
    txReports: createTransactionReportsRepo(db),
    topupOrders: createTopupOrdersRepo(db),
    gatewayNotifications: createGatewayNotificationsRepo(db),
    reminderSettings: createReminderSettingsRepo(db),
    reminderRuns: createReminderRunsRepo(db),
  };
}
export type Repos = ReturnType<typeof createRepos>;
