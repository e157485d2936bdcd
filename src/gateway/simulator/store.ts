import Database from "better-sqlite3";
import { z } from "zod";
import { TOPUP_METHODS } from "../port.ts";
import { GATEWAY_SCENARIOS } from "./scenarios.ts";

/**
 * The gateway simulator's own SQLite file: one row per transaction (an order id may be charged
 * again after a cancel or expiry, as at Midtrans), the notifications to deliver with their
 * attempts, and a few settings. Apart from the bot's database, so what the "gateway" knows
 * outlives the bot, and status answers stay truthful across restarts of either.
 */

export const SIM_TX_STATUSES = ["pending", "settlement", "expire", "cancel", "deny"] as const;
export type SimTxStatus = (typeof SIM_TX_STATUSES)[number];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS gw_orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL UNIQUE,
  order_id TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('qris', 'bca_va', 'bni_va', 'bri_va', 'permata_va')),
  gross_amount INTEGER NOT NULL CHECK (gross_amount > 0),
  qr_string TEXT,
  va_number TEXT UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'settlement', 'expire', 'cancel', 'deny')),
  scenario TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  pay_at INTEGER,
  reverse_at INTEGER,
  settled_at INTEGER,
  final_at INTEGER,
  next_at INTEGER,
  notify_urls TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS gw_orders_by_order_id ON gw_orders (order_id, id);
CREATE INDEX IF NOT EXISTS gw_orders_next ON gw_orders (next_at) WHERE next_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS gw_notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  url TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  due_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  delivered_at INTEGER,
  last_result TEXT
);
CREATE INDEX IF NOT EXISTS gw_notifications_due ON gw_notifications (due_at, id) WHERE due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS gw_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

const URLS = z.array(z.string());

const ORDER_ROW = z
  .object({
    id: z.number().int(),
    transaction_id: z.string(),
    order_id: z.string(),
    method: z.enum(TOPUP_METHODS),
    gross_amount: z.number().int(),
    qr_string: z.string().nullable(),
    va_number: z.string().nullable(),
    status: z.enum(SIM_TX_STATUSES),
    scenario: z.enum(GATEWAY_SCENARIOS),
    created_at: z.number(),
    expires_at: z.number(),
    pay_at: z.number().nullable(),
    reverse_at: z.number().nullable(),
    settled_at: z.number().nullable(),
    final_at: z.number().nullable(),
    next_at: z.number().nullable(),
    notify_urls: z.string(),
  })
  .transform((r) => ({
    id: r.id,
    transactionId: r.transaction_id,
    orderId: r.order_id,
    method: r.method,
    grossAmount: r.gross_amount,
    qrString: r.qr_string,
    vaNumber: r.va_number,
    status: r.status,
    scenario: r.scenario,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    payAt: r.pay_at,
    reverseAt: r.reverse_at,
    settledAt: r.settled_at,
    finalAt: r.final_at,
    nextAt: r.next_at,
    notifyUrls: URLS.parse(JSON.parse(r.notify_urls)),
  }));

export type SimOrderRow = z.output<typeof ORDER_ROW>;

export type NewSimOrder = Pick<
  SimOrderRow,
  | "transactionId"
  | "orderId"
  | "method"
  | "grossAmount"
  | "qrString"
  | "status"
  | "scenario"
  | "createdAt"
  | "expiresAt"
  | "payAt"
  | "reverseAt"
  | "nextAt"
  | "notifyUrls"
>;

/** The columns a transition writes back. */
export type SimOrderState = Pick<SimOrderRow, "status" | "settledAt" | "finalAt" | "reverseAt" | "nextAt">;

const NOTIFICATION_ROW = z
  .object({
    id: z.number().int(),
    transaction_id: z.string(),
    kind: z.string(),
    url: z.string(),
    body: z.string(),
    created_at: z.number(),
    due_at: z.number().nullable(),
    attempts: z.number().int(),
    delivered_at: z.number().nullable(),
    last_result: z.string().nullable(),
  })
  .transform((r) => ({
    id: r.id,
    transactionId: r.transaction_id,
    kind: r.kind,
    url: r.url,
    body: r.body,
    createdAt: r.created_at,
    dueAt: r.due_at,
    attempts: r.attempts,
    deliveredAt: r.delivered_at,
    lastResult: r.last_result,
  }));

export type SimNotificationRow = z.output<typeof NOTIFICATION_ROW>;
export type NewSimNotification = Pick<SimNotificationRow, "transactionId" | "kind" | "url" | "body" | "createdAt" | "dueAt" | "lastResult">;

export interface GatewaySimStore {
  /** BEGIN IMMEDIATE: another process on the same file (the CLI) cannot interleave. */
  transaction<T>(fn: () => T): T;
  insertOrder(order: NewSimOrder): SimOrderRow;
  setVaNumber(id: number, vaNumber: string): void;
  orderById(id: number): SimOrderRow | undefined;
  orderByTransactionId(transactionId: string): SimOrderRow | undefined;
  latestOrder(orderId: string): SimOrderRow | undefined;
  saveOrder(id: number, state: SimOrderState): void;
  ordersDueBy(at: number): SimOrderRow[];
  orders(): SimOrderRow[];
  insertNotification(notification: NewSimNotification): number;
  notificationById(id: number): SimNotificationRow | undefined;
  firstNotificationDueBy(at: number): SimNotificationRow | undefined;
  /** Counts an attempt and moves the row's due time: a lease that also schedules the retry. */
  claimNotification(id: number, attempts: number, dueAt: number | null): void;
  finishNotification(id: number, result: { deliveredAt: number | null; dueAt: number | null; lastResult: string }): void;
  notifications(): SimNotificationRow[];
  setting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
  close(): void;
}

export class NotAGatewaySimFileError extends Error {}

/**
 * `existing`: the file must already be a gateway simulator's (the CLI opening the bot's file), so
 * a wrong path neither creates a file nor adds tables to someone else's database.
 */
export function openGatewaySimStore(dbPath: string, opts: { existing?: boolean } = {}): GatewaySimStore {
  const existing = opts.existing ?? false;
  let db: Database.Database;
  try {
    db = new Database(dbPath, { fileMustExist: existing });
  } catch (err) {
    if (existing) throw new NotAGatewaySimFileError(`no gateway simulator file at ${dbPath}`, { cause: err });
    throw err;
  }
  if (existing && db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gw_orders'").get() === undefined) {
    db.close();
    throw new NotAGatewaySimFileError(`${dbPath} is not a gateway simulator file`);
  }
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("synchronous = NORMAL");
  db.exec(SCHEMA);

  const insertOrder = db.prepare(
    `INSERT INTO gw_orders (transaction_id, order_id, method, gross_amount, qr_string, status, scenario, created_at, expires_at, pay_at, reverse_at, next_at, notify_urls)
     VALUES (@transactionId, @orderId, @method, @grossAmount, @qrString, @status, @scenario, @createdAt, @expiresAt, @payAt, @reverseAt, @nextAt, @notifyUrls)`,
  );
  const updateVa = db.prepare("UPDATE gw_orders SET va_number = ? WHERE id = ?");
  const selectById = db.prepare("SELECT * FROM gw_orders WHERE id = ?");
  const selectByTx = db.prepare("SELECT * FROM gw_orders WHERE transaction_id = ?");
  const selectLatest = db.prepare("SELECT * FROM gw_orders WHERE order_id = ? ORDER BY id DESC LIMIT 1");
  const updateOrder = db.prepare(
    "UPDATE gw_orders SET status = @status, settled_at = @settledAt, final_at = @finalAt, reverse_at = @reverseAt, next_at = @nextAt WHERE id = @id",
  );
  const selectDue = db.prepare("SELECT * FROM gw_orders WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at, id");
  const selectOrders = db.prepare("SELECT * FROM gw_orders ORDER BY id");
  const insertNotification = db.prepare(
    `INSERT INTO gw_notifications (transaction_id, kind, url, body, created_at, due_at, last_result)
     VALUES (@transactionId, @kind, @url, @body, @createdAt, @dueAt, @lastResult)`,
  );
  const selectNotification = db.prepare("SELECT * FROM gw_notifications WHERE id = ?");
  const selectDueNotification = db.prepare("SELECT * FROM gw_notifications WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id LIMIT 1");
  const claim = db.prepare("UPDATE gw_notifications SET attempts = ?, due_at = ? WHERE id = ?");
  const finish = db.prepare("UPDATE gw_notifications SET delivered_at = @deliveredAt, due_at = @dueAt, last_result = @lastResult WHERE id = @id");
  const selectNotifications = db.prepare("SELECT * FROM gw_notifications ORDER BY id");
  const selectSetting = db.prepare("SELECT value FROM gw_state WHERE key = ?");
  const upsertSetting = db.prepare("INSERT INTO gw_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  const settingRow = z.object({ value: z.string() });

  const order = (raw: unknown): SimOrderRow | undefined => (raw === undefined ? undefined : ORDER_ROW.parse(raw));
  const notification = (raw: unknown): SimNotificationRow | undefined => (raw === undefined ? undefined : NOTIFICATION_ROW.parse(raw));

  const store: GatewaySimStore = {
    transaction: (fn) => db.transaction(fn).immediate(),
    insertOrder(o) {
      const id = Number(insertOrder.run({ ...o, notifyUrls: JSON.stringify(o.notifyUrls) }).lastInsertRowid);
      const row = store.orderById(id);
      if (row === undefined) throw new Error(`gateway order ${id} vanished after insert`);
      return row;
    },
    setVaNumber: (id, vaNumber) => {
      updateVa.run(vaNumber, id);
    },
    orderById: (id) => order(selectById.get(id)),
    orderByTransactionId: (transactionId) => order(selectByTx.get(transactionId)),
    latestOrder: (orderId) => order(selectLatest.get(orderId)),
    saveOrder: (id, state) => {
      updateOrder.run({ id, ...state });
    },
    ordersDueBy: (at) => selectDue.all(at).map((raw) => ORDER_ROW.parse(raw)),
    orders: () => selectOrders.all().map((raw) => ORDER_ROW.parse(raw)),
    insertNotification: (n) => Number(insertNotification.run(n).lastInsertRowid),
    notificationById: (id) => notification(selectNotification.get(id)),
    firstNotificationDueBy: (at) => notification(selectDueNotification.get(at)),
    claimNotification: (id, attempts, dueAt) => {
      claim.run(attempts, dueAt, id);
    },
    finishNotification: (id, result) => {
      finish.run({ id, ...result });
    },
    notifications: () => selectNotifications.all().map((raw) => NOTIFICATION_ROW.parse(raw)),
    setting: (key) => {
      const raw = selectSetting.get(key);
      return raw === undefined ? undefined : settingRow.parse(raw).value;
    },
    setSetting: (key, value) => {
      upsertSetting.run(key, value);
    },
    close: () => db.close(),
  };
  return store;
}
