import type { Db } from "./open.ts";
import { createUsersRepo } from "./users-repo.ts";
import { createLedgerRepo } from "./ledger-repo.ts";
import { createTransactionsRepo } from "./transactions-repo.ts";
import { createOutboxRepo } from "./outbox-repo.ts";
import {
  createAuditRepo,
  createInboundRepo,
  createProductSwitchesRepo,
  createSavedNumbersRepo,
  createSessionsRepo,
  createTopupRequestsRepo,
} from "./misc-repos.ts";

/** Every repository over one database, with its statements prepared once. */
export function createRepos(db: Db) {
  return {
    db,
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
  };
}
export type Repos = ReturnType<typeof createRepos>;
