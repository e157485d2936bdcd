/**
 * WhatsApp auth state (creds and signal keys) in the main database (issue 5), replacing Baileys'
 * multi-file store: one file to back up, and multi-key writes commit atomically.
 * Values are JSON written with Baileys' BufferJSON, so Buffers survive the round trip.
 */
export const whatsappMigration = {
  version: 3,
  name: "whatsapp",
  sql: `
-- The one linked device's credentials; a single row, so a second device can never be half-written.
CREATE TABLE whatsapp_auth_creds (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  creds TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Signal keys by Baileys' key type (pre-key, session, sender-key, app-state-sync-key, lid-mapping, …).
CREATE TABLE whatsapp_auth_keys (
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (type, id)
) WITHOUT ROWID;
`,
};
