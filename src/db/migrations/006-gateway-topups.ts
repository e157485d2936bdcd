/**
 * Automatic top-up through a payment gateway (docs/topups.md). An order is a row written before the
 * gateway is called; its credit is a ledger row unique per order (the ledger's kind CHECK cannot
 * change, so a credit is kind 'topup' with the new order_id column); every notification the
 * gateway sends us is kept.
 */
export const gatewayTopupsMigration = {
  version: 6,
  name: "gateway-topups",
  sql: `
CREATE TABLE topup_orders (
  -- Ours, sent to the gateway: at most 50 characters of [A-Za-z0-9-_~.] (Midtrans' rule).
  order_id TEXT PRIMARY KEY CHECK (length(order_id) BETWEEN 1 AND 50 AND order_id NOT GLOB '*[^A-Za-z0-9_~.-]*'),
  user_id INTEGER NOT NULL REFERENCES users(id),
  gateway TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  method TEXT NOT NULL CHECK (method IN ('qris', 'bca_va', 'bni_va', 'bri_va', 'permata_va')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'expired', 'cancelled', 'failed', 'refused', 'needs_review')),
  -- The bill this top-up pays once credited (the shortfall flow): the payer's recorded confirmation.
  bill_ref TEXT REFERENCES transactions(ref),
  bill_handled_at INTEGER,
  -- The one charge request: started (durably) before it leaves, answered once.
  charge_started_at INTEGER,
  charge_answered_at INTEGER,
  charge_outcome TEXT CHECK (charge_outcome IN ('created', 'refused', 'unknown')),
  gateway_id TEXT,
  qr_payload TEXT,
  va_bank TEXT,
  va_number TEXT,
  failure_code TEXT,
  failure_message TEXT,
  -- What the gateway's status API last said, and what it reported as paid.
  gateway_state TEXT,
  paid_amount INTEGER,
  paid_at TEXT,
  credited_at INTEGER,
  review_reason TEXT,
  -- A paid order the gateway later reported refunded or denied (admins told once per state).
  reversed_state TEXT,
  expires_at INTEGER NOT NULL,
  -- A notification not yet confirmed through the status API (the poller confirms it after a crash).
  notified_at INTEGER,
  next_check_at INTEGER,
  check_attempts INTEGER NOT NULL DEFAULT 0,
  last_checked_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  closed_at INTEGER
);
-- At most one open order per payer per method, whoever tries.
CREATE UNIQUE INDEX topup_orders_one_open ON topup_orders(user_id, method) WHERE status = 'pending';
CREATE INDEX topup_orders_user ON topup_orders(user_id, created_at);
CREATE INDEX topup_orders_due ON topup_orders(next_check_at) WHERE status = 'pending' OR notified_at IS NOT NULL;
CREATE INDEX topup_orders_credited ON topup_orders(credited_at) WHERE credited_at IS NOT NULL;
CREATE INDEX topup_orders_bill ON topup_orders(bill_ref) WHERE bill_ref IS NOT NULL;
-- Orders in review stay there (an admin credits by hand): the dashboard counts and lists them without reading every order.
CREATE INDEX topup_orders_review ON topup_orders(closed_at) WHERE status = 'needs_review';

-- A gateway credit names its order, and an order is credited at most once, whichever path learns of it.
ALTER TABLE ledger ADD COLUMN order_id TEXT REFERENCES topup_orders(order_id);
CREATE UNIQUE INDEX ledger_one_credit_per_order ON ledger(order_id) WHERE order_id IS NOT NULL;

-- Every genuine notification for one of our orders, stored before it is answered 200.
CREATE TABLE gateway_notifications (
  id INTEGER PRIMARY KEY,
  gateway TEXT NOT NULL,
  order_id TEXT NOT NULL REFERENCES topup_orders(order_id),
  -- A re-delivered notification (the same bytes) is recorded once.
  body_hash TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  claimed_status TEXT,
  received_at INTEGER NOT NULL,
  -- When the status API answered for the order after this arrived.
  confirmed_at INTEGER
);
CREATE INDEX gateway_notifications_order ON gateway_notifications(order_id, received_at);
`,
};
