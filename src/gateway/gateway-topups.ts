import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { GroupCommitter } from "../db/group-commit.ts";
import type { Repos } from "../db/repos.ts";
import type { OrderRow } from "../db/topup-orders-repo.ts";
import type { TopupFlow } from "../domain/conversation/context.ts";
import type { Notifier } from "../domain/notifier.ts";
import { createTopupNotices } from "../domain/topups/topup-notices.ts";
import { createTopupPoller, type TopupPoller } from "../domain/topups/topup-poller.ts";
import { createTopupService, type TopupService } from "../domain/topups/topup-service.ts";
import type { Mountable } from "../http/http-server.ts";
import type { Translate } from "../i18n.ts";
import { NOTIFICATION_PATH, createNotificationEndpoint } from "./notification-endpoint.ts";
import type { PaymentGateway } from "./port.ts";

export interface GatewayTopups {
  gateway: PaymentGateway;
  service: TopupService;
  poller: TopupPoller;
  /** What the conversation needs (ConversationContext.topups). */
  flow: TopupFlow;
  /** The notification endpoint, to mount at `path` on the bot's HTTP server. */
  endpoint: Mountable;
  path: string;
  /** Credited orders whose bill was left undone (a crash between the credit and paying it). */
  billsToSettle(): OrderRow[];
  /**
   * Open orders of another gateway (GATEWAY changed while they were open) cannot be asked about here:
   * moved to review once, their payers and the admins told (docs/topups.md#admin). Run by start().
   */
  reportOtherGateways(): Promise<void>;
  start(): void;
  /** Stops the poller, waits for confirmations under way, closes the gateway client. */
  stop(): Promise<void>;
}

/**
 * Gateway top-ups wired around one PaymentGateway (docs/topups.md): the Midtrans client, the
 * gateway simulator, or a test's fake — whichever implements the port. The app calls this when a
 * gateway is configured; without one, /isi stays the admin-approved request.
 */
export function createGatewayTopups(deps: {
  gateway: PaymentGateway;
  settings: Config["topup"];
  repos: Repos;
  commits: GroupCommitter;
  notifier: Notifier;
  t: Translate;
  now: () => number;
  log: Logger;
  /** A credited order that pays a bill (the shortfall flow): the app pays it for the payer, unasked. */
  billCredited: (order: OrderRow) => void;
  /** Any credit, once committed: whatever waited for this person's money (an auto-payment) may go now. */
  balanceCredited?: (userId: number) => void;
}): GatewayTopups {
  const { gateway, repos, commits, now } = deps;
  const log = deps.log.child({ gateway: gateway.name });
  const notices = createTopupNotices({ notifier: deps.notifier, t: deps.t, users: repos.users, meta: repos.meta, now });
  let poke = () => undefined as void;
  const service = createTopupService({
    repos,
    commits,
    gateway,
    now,
    log,
    expiryMs: deps.settings.expiryMs,
    onScheduled: () => poke(),
    events: {
      ...notices,
      credited(order, balance, by, lateFrom) {
        notices.credited(order, balance, by, lateFrom);
        // Once this credit is committed (never if it rolls back), the bill it was for is paid.
        const after = () => {
          if (order.bill_ref !== null) deps.billCredited(order);
          deps.balanceCredited?.(order.user_id);
        };
        if (!commits.afterCommit(after)) after();
      },
    },
  });
  // Only this gateway's orders: another's would be asked about (and closed) on a gateway that never saw them.
  const dueOrders = {
    due: (at: number, limit: number) => repos.topupOrders.due(gateway.name, at, limit),
    nextDueAt: () => repos.topupOrders.nextDueAt(gateway.name),
  };
  const poller = createTopupPoller({ orders: dueOrders, service, now, log, idleIntervalMs: 15_000 });
  poke = () => poller.poke();
  const endpoint = createNotificationEndpoint({ gateway, service, commits, log });
  async function reportOtherGateways(): Promise<void> {
    await commits.run(() => {
      // Handed to a person: this gateway cannot ask about them, and left open they would keep
      // their payer's method blocked (one open order per method) and their old QR on offer.
      const moved: OrderRow[] = [];
      for (;;) {
        const open = repos.topupOrders.openElsewhere(gateway.name);
        const before = moved.length;
        for (const o of open) {
          const reason = `other_gateway:${o.gateway}`;
          if (repos.topupOrders.markNeedsReview({ orderId: o.order_id, reason, paidAmount: null, now: now() })) moved.push(repos.topupOrders.get(o.order_id)!);
        }
        // A page at a time; stop when a page moved nothing (none left, or none movable).
        if (moved.length === before) break;
      }
      if (moved.length === 0) return;
      log.warn(
        { count: moved.length, gateways: [...new Set(moved.map((o) => o.gateway))], orders: moved.slice(0, 10).map((o) => o.order_id) },
        "open top-up orders of another gateway: moved to review, not asked about, their notifications refused",
      );
      notices.otherGatewayOrders(gateway.name, moved);
    });
  }

  return {
    gateway,
    service,
    poller,
    flow: { service, settings: deps.settings },
    endpoint,
    path: NOTIFICATION_PATH,
    billsToSettle: () => repos.topupOrders.billsToSettle(),
    reportOtherGateways,
    start() {
      poller.start();
      void reportOtherGateways().catch((err: unknown) => log.error({ err }, "could not look for open orders of another gateway"));
      log.info({ methods: deps.settings.methods, path: NOTIFICATION_PATH }, "gateway top-ups on");
    },
    async stop() {
      await poller.stop();
      await service.idle();
      await gateway.close();
    },
  };
}
