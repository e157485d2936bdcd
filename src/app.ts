import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import { dirname, join } from "node:path";
import type { Config } from "./config.ts";
import { createGroupCommitter, type GroupCommitter } from "./db/group-commit.ts";
import { createHttpServer, type HttpServer } from "./http/http-server.ts";
import { openDatabase, type Db } from "./db/open.ts";
import { createWalSync } from "./db/wal-sync.ts";
import { createRepos, type Repos } from "./db/repos.ts";
import { createDedupPruner } from "./db/dedup-retention.ts";
import { createTranslator, type Translate } from "./i18n.ts";
import { createArrivalClock, type ArrivalClock } from "./domain/arrival-clock.ts";
import { conversationEffects, handleEvent } from "./domain/conversation/conversation.ts";
import type { ConversationContext } from "./domain/conversation/context.ts";
import { createEngine, type Engine } from "./domain/engine.ts";
import type { Platform } from "./domain/messages.ts";
import { createNotifier, type AdminAddress, type Notifier } from "./domain/notifier.ts";
import type { MessageSender } from "./domain/delivery/message-sender.ts";
import { createOutboxSender, type OutboxSender } from "./domain/delivery/outbox-sender.ts";
import { createPaymentService, type PaymentService } from "./domain/payments/payment-service.ts";
import { createReconciler, type Reconciler } from "./domain/payments/reconciler.ts";
import { createSettlementNotices } from "./domain/payments/settlement-notices.ts";
import { createAdminHandler } from "./admin/admin-handler.ts";
import { createIakClient } from "./providers/iak/client.ts";
import { createEspayClient } from "./providers/espay/client.ts";
import type { PaymentProvider } from "./providers/port.ts";
import { createProviderRouter, type ProviderRouter } from "./providers/router.ts";
import { SIMULATOR_CREDENTIALS } from "./providers/simulator/credentials.ts";
import { startSimulator, type Simulator } from "./providers/simulator/server.ts";
import { isWhatsappAdmin } from "./admin/admin-ids.ts";
import { createBroadcastRunner, type BroadcastRunner } from "./admin/broadcast/runner.ts";
import { createBroadcastCommands } from "./admin/broadcast/broadcast-commands.ts";
import type { BroadcastChannel } from "./admin/broadcast/channel.ts";
import { createBackupScheduler } from "./admin/backups.ts";
import { setupDashboard } from "./dashboard/setup.ts";
import type { PaymentGateway } from "./gateway/port.ts";
import { createGatewayTopups, type GatewayTopups } from "./gateway/gateway-topups.ts";
import type { OrderRow } from "./db/topup-orders-repo.ts";
import { settleShortfall } from "./domain/conversation/topup-steps.ts";
import { createReminderScheduler, type ReminderScheduler } from "./domain/reminders/scheduler.ts";

/**
 * What a transport gets (docs/architecture.md): the engine to hand events to, a place to plug its
 * sender and broadcast channel in, the repositories it owns, and the shared services. Nothing else
 * of the app.
 */
export interface TransportPorts {
  config: Config;
  engine: Pick<Engine, "handle" | "idle" | "forgetId">;
  delivery: Delivery;
  repos: Pick<Repos, "users" | "telegramInbox" | "whatsappAuth" | "whatsappCloud" | "outbox" | "broadcasts">;
  /** Writes messages to the outbox inside the caller's commit (WhatsApp Cloud: a re-sent message, an admin alert). */
  notifier: Pick<Notifier, "toAddress" | "toAdmins">;
  /** The bot's one HTTP server (webhooks mount on it). */
  http: HttpServer;
  commits: GroupCommitter;
  t: Translate;
  log: Logger;
  now: () => number;
  /** Stamps when a message arrived, on the clock the engine stamps menus with. */
  arrivalClock: ArrivalClock;
  isAdmin(platform: Platform, externalId: string): boolean;
}

/** How a transport's sending side plugs in. */
export interface Delivery {
  registerSender(platform: Platform, sender: MessageSender): void;
  registerBroadcastChannel(platform: Platform, channel: BroadcastChannel): void;
  /** The platform is reachable again: what waited for it goes now. */
  platformUp(platform: Platform): void;
  /** One chat's held messages are due now (WhatsApp Cloud: the person wrote, so their window is open). */
  wake(platform: Platform, address: string): void;
  /** Resolves when nothing due is left to send. */
  flush(): Promise<void>;
}

export interface App {
  config: Config;
  db: Db;
  repos: Repos;
  commits: GroupCommitter;
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
  arrivalClock: ArrivalClock;
  delivery: Delivery;
  /** The bot's one HTTP server on PORT; it listens once something is mounted (main.ts). */
  http: HttpServer;
  broadcastRunner: BroadcastRunner;
  /** Gateway top-ups, when a gateway was given (docs/topups.md); null keeps the manual /isi. */
  topups: GatewayTopups | null;
  /**
   * Due-date reminders and auto-pay (docs/reminders.md). `reminders.onBalanceCredited(userId)` is
   * the seam for whatever credits a balance (a gateway top-up, an admin's credit from the chat or the
   * dashboard): auto-payments waiting for that person's money run at once instead of at the next tick.
   */
  reminders: ReminderScheduler;
  isAdmin(platform: Platform, externalId: string): boolean;
  /** What a transport is given. */
  ports: TransportPorts;
  /** Crash recovery: payments left `paying` handed to the status checks, unanswered effects answered. Before any transport runs. */
  recover(): Promise<void>;
  /** The background loops: reconciler, broadcast, backups, outbox, pruning. */
  start(): void;
  /** Drops message ids kept for de-duplication past their time (daily once started; db/dedup-retention.ts). */
  pruneDedup(): number;
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
  /** Where the HTTP server listens; default 0.0.0.0 and PORT (tests: 127.0.0.1, port 0). */
  http?: { host: string; port: number };
  /**
   * The payment gateway for automatic top-ups (the Midtrans client, the gateway simulator, a test's
   * fake); the app owns it from here and closes it. None: /isi asks an admin, as before.
   */
  gateway?: PaymentGateway | null;
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

async function createProviders(
  config: Config,
  options: AppOptions,
  now: () => number,
  log: Logger,
): Promise<{ providers: PaymentProvider[]; simulator: Simulator | null }> {
  let simulator: Simulator | null = null;
  const providers: PaymentProvider[] = [];
  const timeouts = options.providerTimeoutMs === undefined ? {} : { timeoutMs: options.providerTimeoutMs };
  const dispatcher = options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher };
  for (const name of config.providers) {
    if (name === "simulator") {
      const simDb = options.simulatorDbPath ?? (config.databasePath === ":memory:" ? ":memory:" : join(dirname(config.databasePath), "simulator.db"));
      simulator = await startSimulator({
        dbPath: simDb,
        now,
        ...(options.simulatorSettleMs === undefined ? {} : { settleAfterMs: options.simulatorSettleMs }),
      });
      providers.push(createIakClient({ name: "simulator", baseUrl: simulator.url, ...SIMULATOR_CREDENTIALS.iak, ...timeouts, ...dispatcher }));
      log.info({ url: simulator.url }, "provider simulator started");
    } else if (name === "iak" && config.iak) {
      providers.push(createIakClient({ baseUrl: config.iak.baseUrl, username: config.iak.username, apiKey: config.iak.apiKey, ...timeouts, ...dispatcher }));
    } else if (name === "espay" && config.espay) {
      providers.push(createEspayClient({ ...config.espay, ...timeouts, ...dispatcher }));
    }
  }
  return { providers, simulator };
}

/** The composition root's core: everything but the transports, wired once. */
export async function createApp(config: Config, options: AppOptions): Promise<App> {
  const log = options.log;
  const now = options.now ?? Date.now;
  const arrivalClock = createArrivalClock(now);
  const db = openDatabase(config.databasePath);
  const repos = createRepos(db);
  const walSync = createWalSync(config.databasePath);
  const commits = createGroupCommitter(db, { walSync });
  const t = createTranslator();
  const http = createHttpServer({ host: options.http?.host ?? "0.0.0.0", port: options.http?.port ?? config.http.port, log });
  const { providers, simulator } = await createProviders(config, options, now, log);

  const router = createProviderRouter(providers, (p) => !repos.productSwitches.disabled().has(p));
  const outbox = createOutboxSender({ outbox: repos.outbox, commits, now, log, onBlocked: (userId) => repos.users.setBlocked(userId, true) });
  const notifier = createNotifier({
    outbox: repos.outbox,
    users: repos.users,
    admins: adminAddresses(config),
    defaultLocale: config.defaultLocale,
    now,
    // Written in a group commit: handed to the sender once committed. Written in a transaction of
    // its own (a broadcast's progress): the sender finds it by a scan.
    wrote: (row) => {
      if (!commits.afterCommit(() => outbox.queue(row))) setImmediate(() => outbox.kick());
    },
  });
  const notices = createSettlementNotices({
    notifier,
    t,
    ledger: repos.ledger,
    savedNumbers: repos.savedNumbers,
    meta: repos.meta,
    now,
    lowDepositAlert: config.lowDepositAlert,
  });
  // The reconciler looks soon after a payment became pending, rather than at its idle interval.
  let pokeReconciler = () => undefined as void;
  const payments = createPaymentService({
    repos,
    commits,
    router,
    events: {
      ...notices,
      pending(tx) {
        notices.pending(tx);
        pokeReconciler();
      },
    },
    now,
    fees: config.fees,
    inquiryTtlMs: config.inquiryTtlMs,
    lowDepositAlert: config.lowDepositAlert,
    log,
  });
  const reconciler = createReconciler({ repos, commits, router, payments, now, log });
  pokeReconciler = () => reconciler.poke();
  // A credited top-up that was for a bill pays it (engine.act, once the engine exists below).
  let billCredited = (_order: OrderRow) => undefined as void;
  let balanceCredited = (_userId: number) => undefined as void;
  const topups =
    options.gateway == null
      ? null
      : createGatewayTopups({
          gateway: options.gateway,
          settings: config.topup,
          repos,
          commits,
          notifier,
          t,
          now,
          log,
          billCredited: (order) => billCredited(order),
          balanceCredited: (userId) => balanceCredited(userId),
        });
  if (topups !== null) http.mount(topups.path, topups.endpoint);
  const backups = createBackupScheduler({ db, dir: config.backup.dir, keep: config.backup.keep, now, log });
  const pruner = createDedupPruner({ inbound: repos.inbound, telegramInbox: repos.telegramInbox, now, log });

  const isAdmin = (platform: Platform, externalId: string): boolean => {
    if (platform === "console") return config.console;
    if (platform === "telegram") return config.admins.telegram.includes(externalId);
    return isWhatsappAdmin(config.admins.whatsapp, externalId);
  };

  const broadcastRunner = createBroadcastRunner({
    db,
    broadcasts: repos.broadcasts,
    users: repos.users,
    notifier,
    t,
    now,
    log,
    defaultLocale: config.defaultLocale,
    alsoSentSince: (platform, since) => repos.reminderRuns.sentSince(platform, since),
  });
  const broadcast = createBroadcastCommands({ repos, broadcasts: repos.broadcasts, t, kick: (id) => broadcastRunner.kick(id) });
  // The operator's dashboard under /admin (docs/dashboard.md); /dashboard sends its login links.
  const wakeAutopay = (userId: number) => balanceCredited(userId);
  const dashboard = setupDashboard({ config, repos, commits, payments, notifier, t, now, log, isAdmin, http, balanceCredited: wakeAutopay });
  const admin = createAdminHandler({
    repos,
    payments,
    notifier,
    t,
    now,
    topupConfirmAbove: config.topupConfirmAbove,
    log,
    broadcast,
    dashboard,
    gatewayTopups: topups !== null,
    commits,
    balanceCredited: wakeAutopay,
  });
  const ctx: ConversationContext = {
    repos,
    now,
    payments,
    router,
    notifier,
    t,
    settings: {
      sessionTtlMs: config.sessionTtlMs,
      inquiryLimitPerHour: config.inquiryLimitPerHour,
      topupInstructions: config.topupInstructions,
      supportContact: config.supportContact,
      defaultLocale: config.defaultLocale,
      reminders: { enabled: config.reminders.enabled, daysBefore: config.reminders.daysBefore, hour: config.reminders.hour },
    },
    admin,
    topups: topups?.flow ?? null,
  };
  const engine = createEngine({
    repos,
    commits,
    effects: conversationEffects(ctx),
    conversation: { handle: (turn, opts) => handleEvent(ctx, turn, opts) },
    notifier,
    t,
    now,
    arrivalClock,
    isAdmin,
    defaultLocale: config.defaultLocale,
    demoBalance: config.demoBalance,
    log,
  });

  const reminders = createReminderScheduler({
    repos,
    commits,
    engine,
    ctx,
    now,
    log,
    options: {
      enabled: config.reminders.enabled,
      daysBefore: config.reminders.daysBefore,
      hour: config.reminders.hour,
      tickMs: config.reminders.tickMs,
      telegramRate: config.broadcast.telegramRate,
      whatsapp: {
        minDelayMs: config.broadcast.whatsappMinDelayMs,
        maxDelayMs: config.broadcast.whatsappMaxDelayMs,
        dailyCap: config.broadcast.whatsappDailyCap,
      },
    },
    broadcastsSentSince: (platform, since) => repos.broadcasts.sentSince(platform, since),
  });
  billCredited = (order) => void engine.act(order.user_id, (turn) => settleShortfall(ctx, turn, order.order_id));
  // An auto-payment waiting for this person's money runs now rather than at the next tick.
  balanceCredited = (userId) => void reminders.onBalanceCredited(userId);

  const delivery: Delivery = {
    registerSender: (platform, sender) => outbox.register(platform, sender),
    registerBroadcastChannel: (platform, channel) => broadcastRunner.register(platform, channel),
    platformUp: (platform) => outbox.platformUp(platform),
    wake: (platform, address) => outbox.wake(platform, address),
    flush: () => outbox.flush(),
  };

  return {
    config,
    db,
    repos,
    commits,
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
    delivery,
    http,
    broadcastRunner,
    topups,
    reminders,
    isAdmin,
    ports: { config, engine, delivery, repos, notifier, http, commits, t, log, now, arrivalClock, isAdmin },
    async recover() {
      await reconciler.recoverAfterRestart();
      engine.recover();
      await engine.idle();
      // A top-up credited just before a crash, its bill not yet paid: paid (or offered again) now.
      for (const order of topups?.billsToSettle() ?? []) billCredited(order);
      await engine.idle();
      // Inquiries cut off with nobody waiting on them (the CLI's): closed, so none stays "inquiring".
      await commits.run(() => {
        for (const tx of repos.transactions.withStatus("inquiring")) payments.closeInterruptedInquiry(tx.ref);
      });
    },
    pruneDedup: () => pruner.runOnce(),
    start() {
      reconciler.start();
      topups?.start();
      broadcastRunner.start();
      pruner.start();
      if (config.reminders.enabled) reminders.start();
      if (config.databasePath !== ":memory:") backups.start();
      outbox.kick();
    },
    async close() {
      await reminders.stop();
      await engine.idle();
      // After the engine (its effects may ask the gateway), before it again (a credit may pay a bill).
      await topups?.stop();
      await engine.idle();
      await broadcastRunner.stop();
      await backups.stop();
      pruner.stop();
      await reconciler.stop();
      await outbox.flush();
      await outbox.stop();
      await commits.flush();
      walSync.close();
      await http.close();
      for (const p of providers) await p.close();
      await simulator?.close();
      db.close();
    },
  };
}
