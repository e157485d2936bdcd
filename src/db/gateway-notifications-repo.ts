import type { Db } from "./open.ts";

export interface NotificationRow {
  id: number;
  gateway: string;
  order_id: string;
  body_hash: string;
  body: string;
  claimed_status: string | null;
  received_at: number;
  confirmed_at: number | null;
}

/** Every genuine gateway notification for one of our orders, kept before it is answered (docs/topups.md#notifications). */
export function createGatewayNotificationsRepo(db: Db) {
  const insert = db.prepare<[string, string, string, string, string | null, number]>(
    "INSERT OR IGNORE INTO gateway_notifications (gateway, order_id, body_hash, body, claimed_status, received_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const confirm = db.prepare<[number, string, number]>(
    "UPDATE gateway_notifications SET confirmed_at = ? WHERE order_id = ? AND confirmed_at IS NULL AND id <= ?",
  );
  const lastId = db.prepare<[string], { id: number | null }>("SELECT MAX(id) AS id FROM gateway_notifications WHERE order_id = ?");
  const unconfirmed = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM gateway_notifications WHERE order_id = ? AND confirmed_at IS NULL");
  const forOrder = db.prepare<[string], NotificationRow>("SELECT * FROM gateway_notifications WHERE order_id = ? ORDER BY id");
  return {
    /** False when the very same notification (same bytes) was recorded before. */
    record: (p: { gateway: string; orderId: string; bodyHash: string; body: string; claimedStatus: string | null; now: number }) =>
      insert.run(p.gateway, p.orderId, p.bodyHash, p.body, p.claimedStatus, p.now).changes === 1,
    /** The newest notification of an order (0: none): a check begun now confirms it and those before. */
    lastIdFor: (orderId: string) => lastId.get(orderId)?.id ?? 0,
    /** The status API answered for this order after these (ids up to `upToId`) were stored. */
    confirm: (orderId: string, upToId: number, now: number) => confirm.run(now, orderId, upToId).changes,
    unconfirmedFor: (orderId: string) => unconfirmed.get(orderId)?.n ?? 0,
    forOrder: (orderId: string) => forOrder.all(orderId),
  };
}
export type GatewayNotificationsRepo = ReturnType<typeof createGatewayNotificationsRepo>;
