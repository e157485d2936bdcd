/**
 * The WhatsApp Cloud API transport (docs/whatsapp-cloud.md): its inbox, what it knows of each
 * person's 24-hour window, and the delivery statuses Meta reports.
 */
export const whatsappCloudMigration = {
  version: 9,
  name: "whatsapp-cloud",
  sql: `
-- One row per inbound message, written before the webhook is answered 200 and de-duplicated by
-- Meta's message id (wamid): Meta re-delivers for up to 7 days. id is the arrival order.
CREATE TABLE whatsapp_cloud_inbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  wamid TEXT NOT NULL UNIQUE,
  wa_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  processed_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX whatsapp_cloud_inbox_unprocessed ON whatsapp_cloud_inbox(id) WHERE processed_at IS NULL;
CREATE INDEX whatsapp_cloud_inbox_processed ON whatsapp_cloud_inbox(processed_at) WHERE processed_at IS NOT NULL;

-- The customer-service window per person: open for 24 hours after their last message, unless Meta
-- said it is closed (error 131047) after that message.
CREATE TABLE whatsapp_cloud_contacts (
  wa_id TEXT PRIMARY KEY,
  last_inbound_at INTEGER NOT NULL,
  window_closed_at INTEGER
) WITHOUT ROWID;

-- Delivery statuses (sent, delivered, read, failed), one row per message and status.
CREATE TABLE whatsapp_cloud_statuses (
  wamid TEXT NOT NULL,
  status TEXT NOT NULL,
  recipient TEXT NOT NULL,
  at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  error_code INTEGER,
  error_detail TEXT,
  PRIMARY KEY (wamid, status)
) WITHOUT ROWID;
CREATE INDEX whatsapp_cloud_statuses_received ON whatsapp_cloud_statuses(received_at);

-- A failed status names the message by the id the send returned: find its outbox row again.
CREATE INDEX outbox_sent_message_id ON outbox(platform, sent_message_id) WHERE sent_message_id IS NOT NULL;
`,
};
