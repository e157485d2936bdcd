/**
 * Telegram updates stored before their offset is confirmed (or before a webhook answers 200), so a
 * crash never loses one (docs/delivery.md#inbound). A row is processed once; failures back off, and rows of
 * one chat are handled in update_id order.
 */
export const telegramMigration = {
  version: 2,
  name: "telegram",
  sql: `
CREATE TABLE IF NOT EXISTS telegram_updates (
  update_id INTEGER PRIMARY KEY,
  chat_key TEXT,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  processed_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS telegram_updates_unprocessed ON telegram_updates(update_id) WHERE processed_at IS NULL;
CREATE INDEX IF NOT EXISTS telegram_updates_processed ON telegram_updates(processed_at) WHERE processed_at IS NOT NULL;
`,
};
