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
  /** The hash of the fields that matter (null on rows older than migration 010). */
  fields_hash: string | null;
  signature_key: string | null;
}

/** Every genuine gateway notification for one of our orders, kept before it is answered (docs/topups.md#notifications). */
export function createGatewayNotificationsRepo(db: Db) {
  const insert = db.prepare<[string, string, string, string | null, string | null, string, string | null, number]>(
    `INSERT OR IGNORE INTO gateway_notifications (gateway, order_id, body_hash, fields_hash, signature_key, body, claimed_status, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const confirm = db.prepare<[number, string, number]>(
    "UPDATE gateway_notifications SET confirmed_at = ? WHERE order_id = ? AND confirmed_at IS NULL AND id <= ?",
  );
  const lastId = db.prepare<[string], { id: number | null }>("SELECT MAX(id) AS id FROM gateway_notifications WHERE order_id = ?");
  const unconfirmed = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM gateway_notifications WHERE order_id = ? AND confirmed_at IS NULL");
  const forOrder = db.prepare<[string], NotificationRow>("SELECT * FROM gateway_notifications WHERE order_id = ? ORDER BY id");
  const count = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM gateway_notifications WHERE order_id = ?");
  const sameFields = db.prepare<[string, string], { id: number }>("SELECT id FROM gateway_notifications WHERE fields_hash = ? OR body_hash = ? LIMIT 1");
  const signature = db.prepare<[string, string], { id: number }>("SELECT id FROM gateway_notifications WHERE order_id = ? AND signature_key = ? LIMIT 1");
  return {
    /** False when the same notification (the same fields, or the very same bytes) was recorded before. */
    record: (p: {
      gateway: string;
      orderId: string;
      bodyHash: string;
      fieldsHash: string | null;
      signatureKey: string | null;
      body: string;
      claimedStatus: string | null;
      now: number;
    }) => insert.run(p.gateway, p.orderId, p.bodyHash, p.fieldsHash, p.signatureKey, p.body, p.claimedStatus, p.now).changes === 1,
    /** Whether this notification (its fields, or its bytes) was recorded before. */
    seen: (fieldsHash: string, bodyHash: string) => sameFields.get(fieldsHash, bodyHash) !== undefined,
    /** Whether a notification of the order with this signature (the same signed status) was recorded before. */
    signatureSeen: (orderId: string, signatureKey: string) => signature.get(orderId, signatureKey) !== undefined,
    /** How many notifications of the order are kept. */
    countFor: (orderId: string) => count.get(orderId)?.n ?? 0,
    /** The newest notification of an order (0: none): a check begun now confirms it and those before. */
    lastIdFor: (orderId: string) => lastId.get(orderId)?.id ?? 0,
    /** The status API answered for this order after these (ids up to `upToId`) were stored. */
    confirm: (orderId: string, upToId: number, now: number) => confirm.run(now, orderId, upToId).changes,
    unconfirmedFor: (orderId: string) => unconfirmed.get(orderId)?.n ?? 0,
    forOrder: (orderId: string) => forOrder.all(orderId),
  };
}
export type GatewayNotificationsRepo = ReturnType<typeof createGatewayNotificationsRepo>;
