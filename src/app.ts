import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import { dirname, join } from "node:path";
import type { Config } from "./config.ts";
import { openDatabase, type Db } from "./db/open.ts";
import { createRepos, type Repos } from "./db/repos.ts";
import { createTranslator, type Translate } from "./i18n.ts";
import { createArrivalClock, type ArrivalClock } from "./domain/arrival-clock.ts";
import { createEngine, type Engine } from "./domain/engine.ts";
import type { Platform } from "./domain/messages.ts";
import { createNotifier, type AdminAddress } from "./domain/notifier.ts";
import { createOutboxSender, type MessageSender, type OutboxSender } from "./domain/outbox-sender.ts";
import { createPaymentService, type PaymentService } from "./domain/payments.ts";
import { createReconciler, type Reconciler } from "./domain/reconciler.ts";
import { createAdminHandler } from "./admin/admin-handler.ts";
import { createIakClient } from "./providers/iak/client.ts";
import { createEspayClient } from "./providers/espay/client.ts";
import type { PaymentProvider } from "./providers/port.ts";
import { createProviderRouter, type ProviderRouter } from "./providers/router.ts";
import { SIMULATOR_CREDENTIALS } from "./providers/simulator/credentials.ts";
import { startSimulator, type Simulator } from "./providers/simulator/server.ts";
import { isWhatsappAdmin } from "./admin/admin-ids.ts";
import { createBroadcastRepo } from "./admin/broadcast/broadcast-repo.ts";
import { createBroadcastRunner, type BroadcastRunner } from "./admin/broadcast/runner.ts";
import { createBroadcastCommands } from "./admin/broadcast/broadcast-commands.ts";
import type { BroadcastChannel } from "./admin/broadcast/channel.ts";
import { createBackupScheduler } from "./admin/backups.ts";
import { createInboundPruner } from "./db/dedup-retention.ts";

export interface App {
  config: Config;
  db: Db;
  repos: Repos;
  t: Translate;
  router: ProviderRouter;
  payments: PaymentService;
  engine: Engine;
  outbox: OutboxSender;
  reconciler: Reconciler;
  simulator: Simulator | null;
  log: Logger;
  /** The app's clock (a fake one in tests). */
  now: () => number;
  /** Stamps when a message arrived, on the clock the engine stamps menus with. */
  arrivalClock: ArrivalClock;
  /** Transports plug their sender in here once they run. */
  senders: Partial<Record<Platform, MessageSender>>;
  /** …and their broadcast channel (paced delivery of announcements). */
  broadcastChannels: Partial<Record<Platform, BroadcastChannel>>;
  broadcastRunner: BroadcastRunner;
  isAdmin(platform: Platform, externalId: string): boolean;
  /** Crash recovery: interrupted inquiries closed, payments left `paying` made pending. Before any transport runs. */
  recover(): void;
  /** The background loops: reconciler, broadcast, backups, outbox. After the transports registered their senders. */
  start(): void;
  close(): Promise<void>;
}

export interface AppOptions {
  log: Logger;
  now?: () => number;
  /** undici dispatcher for every provider client (tests). */
  dispatcher?: Dispatcher;
  /** Simulator settle delay (tests, soak). */
  simulatorSettleMs?: number;
  /** Where the in-process simulator keeps its records; default beside DATABASE_PATH. */
  simulatorDbPath?: string;
  providerTimeoutMs?: number;
}

function adminAddresses(config: Config): AdminAddress[] {
  const out: AdminAddress[] = [];
  for (const id of config.admins.telegram) out.push({ platform: "telegram", externalId: id, address: id });
  for (const n of config.admins.whatsapp) {
    const jid = n.endsWith("@lid") ? n : `${n}@s.whatsapp.net`;
    out.push({ platform: "whatsapp", externalId: jid, address: jid });
  }
  if (config.console) out.push({ platform: "console", externalId: "console", address: "console" });
  return out;
}

/** The composition root's core: everything but the transports, wired once. */
export async function createApp(config: Config, options: AppOptions): Promise<App> {
  const log = options.log;
  const now = options.now ?? Date.now;
  const arrivalClock = createArrivalClock(now);
  const db = openDatabase(config.databasePath);
  const repos = createRepos(db);
  const t = createTranslator();

  let simulator: Simulator | null = null;
  const providers: PaymentProvider[] = [];
  const timeouts = options.providerTimeoutMs === undefined ? {} : { timeoutMs: options.providerTimeoutMs };
  const dispatcher = options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher };
  for (const name of config.providers) {
    if (name === "simulator") {
      const simDb = options.simulatorDbPath ?? (config.databasePath === ":memory:" ? ":memory:" : join(dirname(config.databasePath), "simulator.db"));
      simulator = await startSimulator({ dbPath: simDb, now, ...(options.simulatorSettleMs === undefined ? {} : { settleAfterMs: options.simulatorSettleMs }) });
      providers.push(createIakClient({ name: "simulator", baseUrl: simulator.url, ...SIMULATOR_CREDENTIALS.iak, ...timeouts, ...dispatcher }));
      log.info({ url: simulator.url }, "provider simulator started");
    } else if (name === "iak" && config.iak) {
      providers.push(createIakClient({ baseUrl: config.iak.baseUrl, username: config.iak.username, apiKey: config.iak.apiKey, ...timeouts, ...dispatcher }));
    } else if (name === "espay" && config.espay) {
      providers.push(createEspayClient({ ...config.espay, ...timeouts, ...dispatcher }));
    }
  }

  const disabled = () => repos.productSwitches.disabled();
  const router = createProviderRouter(providers, (p) => !disabled().has(p));
  const senders: Partial<Record<Platform, MessageSender>> = {};
  const outbox = createOutboxSender({
    outbox: repos.outbox,
    senders,
    now,
    log,
    onBlocked: (userId) => repos.users.setBlocked(userId, true),
  });
  const notifier = createNotifier({ repos, admins: adminAddresses(config), defaultLocale: config.defaultLocale, now, kick: outbox.kick });
  const payments = createPaymentService({
    repos,
    router,
    notifier,
    t,
    now,
    fees: config.fees,
    inquiryTtlMs: config.inquiryTtlMs,
    lowDepositAlert: config.lowDepositAlert,
    log,
  });
  const reconciler = createReconciler({ repos, router, payments, now, log });
  const backups = createBackupScheduler({ db, dir: config.backup.dir, keep: config.backup.keep, now, log });
  const inboundPruner = createInboundPruner({ inbound: repos.inbound, now, log });

  const isAdmin = (platform: Platform, externalId: string): boolean => {
    if (platform === "console") return config.console;
    if (platform === "telegram") return config.admins.telegram.includes(externalId);
    return isWhatsappAdmin(config.admins.whatsapp, externalId);
  };

  const broadcastChannels: Partial<Record<Platform, BroadcastChannel>> = {};
  const broadcasts = createBroadcastRepo(db);
  const broadcastRunner = createBroadcastRunner({
    db,
    broadcasts,
    users: repos.users,
    channels: broadcastChannels,
    notifier,
    t,
    now,
    log,
    defaultLocale: config.defaultLocale,
  });
  const broadcast = createBroadcastCommands({ repos, broadcasts, t, kick: (id) => broadcastRunner.kick(id) });
  const admin = createAdminHandler({ repos, payments, notifier, t, now, topupConfirmAbove: config.topupConfirmAbove, log, broadcast });
  const engine = createEngine({
    repos,
    payments,
    router,
    notifier,
    t,
    now,
    arrivalClock,
    settings: {
      sessionTtlMs: config.sessionTtlMs,
      inquiryLimitPerHour: config.inquiryLimitPerHour,
      topupInstructions: config.topupInstructions,
      supportContact: config.supportContact,
      defaultLocale: config.defaultLocale,
    },
    admin,
    isAdmin,
    demoBalance: config.demoBalance,
    log,
    onPending: () => reconciler.poke(),
  });

  return {
    config,
    db,
    repos,
    t,
    router,
    payments,
    engine,
    outbox,
    reconciler,
    simulator,
    log,
    now,
    arrivalClock,
    senders,
    broadcastChannels,
    broadcastRunner,
    isAdmin,
    recover() {
      engine.recoverInterruptedInquiries();
      reconciler.recoverAfterRestart();
    },
    start() {
      reconciler.start();
      broadcastRunner.start();
      if (config.databasePath !== ":memory:") backups.start();
      inboundPruner.start();
      outbox.kick();
    },
    async close() {
      await engine.idle();
      await broadcastRunner.stop();
      await backups.stop();
      inboundPruner.stop();
      await reconciler.stop();
      await outbox.flush();
      await outbox.stop();
      for (const p of providers) await p.close();
      await simulator?.close();
      db.close();
    },
  };
}
