/**
 * The dashboard (docs/dashboard.md): one-time login links and browser sessions, each kept only as a
 * SHA-256 hash of its secret, so a copy of the database logs nobody in; and the indexes its pages
 * read through (transactions newest first, by status; top-ups by time).
 */
export const dashboardMigration = {
  version: 8,
  name: "dashboard",
  sql: `
CREATE TABLE dashboard_links (
  token_hash TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  external_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  locale TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) WITHOUT ROWID;

CREATE TABLE dashboard_sessions (
  id_hash TEXT PRIMARY KEY,
  platform TEXT NOT NULL,
  external_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  locale TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ended_at INTEGER
) WITHOUT ROWID;

CREATE INDEX transactions_created ON transactions(created_at);
CREATE INDEX transactions_status_created ON transactions(status, created_at);
CREATE INDEX ledger_topups ON ledger(created_at) WHERE kind = 'topup';
`,
};
