/** The first schema: users, sessions, transactions, ledger, inbox ids, outbox, audit and friends. */
export const coreMigration = {
  version: 1,
  name: "core",
  sql: `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  platform TEXT NOT NULL,
  address TEXT NOT NULL,
  display_name TEXT,
  locale TEXT,
  blocked INTEGER NOT NULL DEFAULT 0,
  broadcast_opt_out INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  erased_at INTEGER
);

-- One person may be known by several ids (WhatsApp phone JID and @lid); each maps to one user.
CREATE TABLE user_identities (
  platform TEXT NOT NULL,
  external_id TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (platform, external_id)
) WITHOUT ROWID;
CREATE INDEX user_identities_user ON user_identities(user_id);

CREATE TABLE sessions (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE transactions (
  ref TEXT PRIMARY KEY,
  user_id INTEGER REFERENCES users(id),
  account TEXT NOT NULL CHECK (account IN ('payer', 'operator')),
  product TEXT NOT NULL,
  customer_number TEXT NOT NULL,
  months INTEGER,
  provider TEXT,
  status TEXT NOT NULL CHECK (status IN ('inquiring', 'inquiry_failed', 'inquired', 'cancelled', 'expired',
    'paying', 'pending', 'needs_review', 'paid', 'failed')),
  name TEXT,
  period TEXT,
  branch TEXT,
  participants TEXT,
  bill_amount INTEGER,
  admin_fee INTEGER,
  price INTEGER,
  fee INTEGER NOT NULL DEFAULT 0,
  total INTEGER,
  pay_token TEXT,
  provider_tr_id TEXT,
  status_key TEXT,
  provider_cost INTEGER,
  paid_price INTEGER,
  provider_ref TEXT,
  provider_time TEXT,
  receipt_note TEXT,
  failure_reason TEXT,
  failure_code TEXT,
  failure_message TEXT,
  review_reason TEXT,
  settled_by TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  pay_started_at INTEGER,
  pay_timeout_ms INTEGER,
  settled_at INTEGER,
  next_check_at INTEGER,
  check_attempts INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  erased INTEGER NOT NULL DEFAULT 0
);
-- One open payment per bill (docs/money.md#transaction-states), enforced by the database whoever tries.
CREATE UNIQUE INDEX transactions_one_open_per_bill ON transactions(product, customer_number)
  WHERE status IN ('paying', 'pending', 'needs_review');
CREATE INDEX transactions_user ON transactions(user_id, created_at);
CREATE INDEX transactions_number ON transactions(customer_number, created_at);
CREATE INDEX transactions_open ON transactions(status, next_check_at)
  WHERE status IN ('paying', 'pending', 'needs_review');
CREATE INDEX transactions_settled ON transactions(settled_at) WHERE settled_at IS NOT NULL;

-- The balance is the sum of these rows; user_id NULL is the operator's own account (CLI payments).
CREATE TABLE ledger (
  id INTEGER PRIMARY KEY,
  user_id INTEGER REFERENCES users(id),
  amount INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('demo', 'topup', 'hold', 'refund', 'correction', 'adjustment', 'operator_payment')),
  tx_ref TEXT REFERENCES transactions(ref),
  actor TEXT NOT NULL,
  note TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX ledger_user ON ledger(user_id);
CREATE UNIQUE INDEX ledger_one_refund_per_tx ON ledger(tx_ref) WHERE kind = 'refund';
CREATE UNIQUE INDEX ledger_one_hold_per_tx ON ledger(tx_ref) WHERE kind IN ('hold', 'operator_payment');
CREATE UNIQUE INDEX ledger_one_adjustment_per_tx ON ledger(tx_ref) WHERE kind = 'adjustment';

-- Platform update ids already handled, written in the same transaction as their effect.
CREATE TABLE inbound (
  platform TEXT NOT NULL,
  message_id TEXT NOT NULL,
  user_id INTEGER,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (platform, message_id)
) WITHOUT ROWID;

-- Messages produced by a state change, written with it and sent from here.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,
  address TEXT NOT NULL,
  user_id INTEGER,
  priority INTEGER NOT NULL DEFAULT 0,
  payload TEXT NOT NULL,
  tag TEXT,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER,
  failed_at INTEGER,
  last_error TEXT,
  sent_message_id TEXT
);
CREATE INDEX outbox_unsent ON outbox(next_attempt_at, priority, id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_address ON outbox(platform, address, id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_tag ON outbox(platform, address, tag, id) WHERE tag IS NOT NULL AND sent_at IS NOT NULL;

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  details TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE saved_numbers (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  product TEXT NOT NULL,
  number TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, product, number)
);

CREATE TABLE product_switches (
  product TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL
);

CREATE TABLE topup_requests (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  amount INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by TEXT,
  decided_at INTEGER,
  created_at INTEGER NOT NULL
);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
};
