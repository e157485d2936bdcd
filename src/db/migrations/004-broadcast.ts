/** Broadcasts and one row per recipient, so delivery resumes after a crash and never repeats (docs/delivery.md#broadcasts). */
export const broadcastMigration = {
  version: 4,
  name: "broadcast",
  sql: `
CREATE TABLE broadcasts (
  id INTEGER PRIMARY KEY,
  created_by TEXT NOT NULL,
  admin_platform TEXT NOT NULL,
  admin_address TEXT NOT NULL,
  admin_user_id INTEGER REFERENCES users(id),
  audience TEXT NOT NULL CHECK (audience IN ('all', 'telegram', 'whatsapp')),
  text TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'running', 'paused', 'cancelled', 'done')),
  pause_reason TEXT,
  total INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
);

CREATE TABLE broadcast_recipients (
  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  platform TEXT NOT NULL,
  address TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'skipped')),
  error TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (broadcast_id, user_id)
) WITHOUT ROWID;
CREATE INDEX broadcast_recipients_lane ON broadcast_recipients(broadcast_id, platform, state, user_id);
CREATE INDEX broadcast_recipients_sent ON broadcast_recipients(platform, state, updated_at);
CREATE INDEX users_platform ON users(platform);
`,
};
