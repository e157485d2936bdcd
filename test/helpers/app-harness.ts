import type { Dispatcher } from "undici";
import { createApp, type App } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/logger.ts";
import type { InboundEvent, OutboundMessage, Platform } from "../../src/domain/messages.ts";
import type { MessageSender } from "../../src/domain/delivery/message-sender.ts";
import type { PaymentGateway } from "../../src/gateway/port.ts";

/** 10:00 WIB on 2026-11-22: far from midnight, so inquiry validity is the TTL. */
export const START = Date.UTC(2026, 10, 22, 3, 0, 0);

export interface FakeClock {
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function fakeClock(start = START): FakeClock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms), set: (ms) => (t = ms) };
}

export interface Sent {
  platform: Platform;
  address: string;
  message: OutboundMessage;
  replaced: string | null;
}

export interface Harness {
  app: App;
  clock: FakeClock;
  sent: Sent[];
  /** Drives one payer; every call waits until the engine and the outbox are quiet. */
  payer(id: string, platform?: Platform): PayerDriver;
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface PayerDriver {
  id: string;
  platform: Platform;
  say(text: string, messageId?: string): Promise<string>;
  tap(choiceId: string, opts?: { nonce?: number; messageId?: string }): Promise<string>;
  /** Taps the choice whose id starts with `prefix` on the last message that offered it. */
  tapLike(prefix: string): Promise<string>;
  messages(): OutboundMessage[];
  last(): OutboundMessage;
  lastText(): string;
  since(n: number): string;
}

let seq = 0;

/** A whole app on :memory: SQLite and an in-process simulator, with a fake clock and recording senders. */
export async function setupApp(
  env: Record<string, string> = {},
  opts: {
    settleMs?: number;
    clock?: FakeClock;
    databasePath?: string;
    simulatorDbPath?: string;
    gateway?: PaymentGateway;
    /** undici dispatcher for the provider clients (a MockAgent that rewrites one answer, say). */
    dispatcher?: Dispatcher;
  } = {},
): Promise<Harness> {
  const clock = opts.clock ?? fakeClock();
  const config = parseConfig({ DATABASE_PATH: opts.databasePath ?? ":memory:", LOG_LEVEL: "silent", CONSOLE: "true", ADMIN_TELEGRAM_IDS: "9000", ...env });
  const app = await createApp(config, {
    log: silentLogger(),
    now: clock.now,
    simulatorDbPath: opts.simulatorDbPath ?? ":memory:",
    simulatorSettleMs: opts.settleMs ?? 20_000,
    providerTimeoutMs: 5_000,
    // Never the operator's PORT: an HTTP server a test starts listens on loopback, any free port.
    http: { host: "127.0.0.1", port: 0 },
    ...(opts.gateway === undefined ? {} : { gateway: opts.gateway }),
    ...(opts.dispatcher === undefined ? {} : { dispatcher: opts.dispatcher }),
  });
  const sent: Sent[] = [];
  let n = 0;
  for (const platform of ["telegram", "whatsapp", "console"] as const) {
    const recorder: MessageSender = {
      async send(address, message, replaced) {
        sent.push({ platform, address, message, replaced });
        return String(++n);
      },
    };
    app.delivery.registerSender(platform, recorder);
  }

  async function settle() {
    await app.engine.idle();
    // Confirmations of gateway notifications run after their answer; a credit they make may pay a bill.
    if (app.topups) {
      await app.topups.service.idle();
      await app.engine.idle();
    }
    await app.outbox.flush();
  }

  function payer(id: string, platform: Platform = "telegram"): PayerDriver {
    const mine = () => sent.filter((s) => s.platform === platform && s.address === id).map((s) => s.message);
    const handle = async (ev: Partial<InboundEvent>) => {
      const before = mine().length;
      await app.engine.handle({ platform, userId: id, address: id, messageId: ev.messageId ?? `m${++seq}`, ...ev } as InboundEvent);
      await settle();
      return mine()
        .slice(before)
        .map((m) => m.text)
        .join("\n---\n");
    };
    const driver: PayerDriver = {
      id,
      platform,
      say: (text, messageId) => handle({ text, ...(messageId ? { messageId } : {}) }),
      tap: (choiceId, o = {}) => {
        const offered = [...mine()].reverse().find((m) => m.choices?.flat().some((c) => c.id === choiceId));
        return handle({ choice: { id: choiceId, nonce: o.nonce ?? offered?.nonce }, ...(o.messageId ? { messageId: o.messageId } : {}) });
      },
      tapLike: (prefix) => {
        const offered = [...mine()].reverse().find((m) => m.choices?.flat().some((c) => c.id.startsWith(prefix)));
        const choice = offered?.choices?.flat().find((c) => c.id.startsWith(prefix));
        if (!choice) throw new Error(`no choice starting with ${prefix}; last: ${mine().at(-1)?.text}`);
        return driver.tap(choice.id, { nonce: offered!.nonce });
      },
      messages: mine,
      last: () => {
        const m = mine().at(-1);
        if (!m) throw new Error("no message yet");
        return m;
      },
      lastText: () => mine().at(-1)?.text ?? "",
      since: (k) =>
        mine()
          .slice(k)
          .map((m) => m.text)
          .join("\n---\n"),
    };
    return driver;
  }

  return {
    app,
    clock,
    sent,
    payer,
    settle,
    async close() {
      await app.close();
    },
  };
}

/** The money invariants (docs/money.md), checked against the database. */
export function checkInvariants(app: App): string[] {
  const db = app.db;
  const problems: string[] = [];
  const negative = db.prepare("SELECT user_id, SUM(amount) AS b FROM ledger WHERE user_id IS NOT NULL GROUP BY user_id HAVING b < 0").all();
  if (negative.length) problems.push(`negative balances: ${JSON.stringify(negative)}`);
  const holdsWithoutTx = db
    .prepare(
      "SELECT l.id FROM ledger l LEFT JOIN transactions t ON t.ref = l.tx_ref WHERE l.kind IN ('hold','operator_payment','refund','adjustment') AND t.ref IS NULL",
    )
    .all();
  if (holdsWithoutTx.length) problems.push(`ledger rows without a transaction: ${holdsWithoutTx.length}`);
  const payingWithoutHold = db
    .prepare(
      "SELECT t.ref FROM transactions t WHERE t.status IN ('paying','pending','needs_review','paid','failed') AND t.total > 0 AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.tx_ref = t.ref AND l.kind IN ('hold','operator_payment'))",
    )
    .all();
  if (payingWithoutHold.length) problems.push(`payments without a hold: ${JSON.stringify(payingWithoutHold)}`);
  const failedNotRefunded = db
    .prepare(
      "SELECT t.ref FROM transactions t WHERE t.status = 'failed' AND t.total > 0 AND (SELECT COUNT(*) FROM ledger l WHERE l.tx_ref = t.ref AND l.kind = 'refund') != 1",
    )
    .all();
  if (failedNotRefunded.length) problems.push(`failed payments not refunded exactly once: ${JSON.stringify(failedNotRefunded)}`);
  const refundedNotFailed = db
    .prepare("SELECT t.ref FROM transactions t JOIN ledger l ON l.tx_ref = t.ref AND l.kind = 'refund' WHERE t.status != 'failed'")
    .all();
  if (refundedNotFailed.length) problems.push(`refunds on transactions that did not fail: ${JSON.stringify(refundedNotFailed)}`);
  const openPerBill = db
    .prepare(
      "SELECT product, customer_number, COUNT(*) AS n FROM transactions WHERE status IN ('paying','pending','needs_review') GROUP BY product, customer_number HAVING n > 1",
    )
    .all();
  if (openPerBill.length) problems.push(`two open payments for one bill: ${JSON.stringify(openPerBill)}`);
  const overPaid = (app.simulator?.payCalls() ?? []).filter((c) => c.payCount > 1);
  if (overPaid.length) problems.push(`inquiries paid more than once at the provider: ${JSON.stringify(overPaid)}`);
  return problems;
}

/**
 * The database as a crash right after the confirm leaves it: the row `paying` with its hold, the
 * pay request not sent (what payments.pay commits before the request leaves).
 */
export function crashAfterConfirm(app: App, ref: string, userId: number): void {
  app.db
    .transaction(() => {
      const tx = app.repos.transactions.get(ref)!;
      const provider = app.router.get(tx.provider ?? "")!;
      app.repos.transactions.startPay(ref, app.now(), provider.payTimeoutMs);
      app.repos.ledger.post({ userId, amount: -(tx.total ?? 0), kind: "hold", txRef: ref, actor: "test", note: "payment hold", now: app.now() });
    })
    .immediate();
}

/** …and then the pay request sent, its answer lost with the process. */
export async function crashAfterPayRequest(app: App, ref: string, userId: number): Promise<void> {
  crashAfterConfirm(app, ref, userId);
  const tx = app.repos.transactions.get(ref)!;
  await app.router
    .get(tx.provider ?? "")!
    .pay({ ref, product: tx.product, customerNumber: tx.customer_number, ...(tx.months === null ? {} : { months: tx.months }), payToken: tx.pay_token! });
}
