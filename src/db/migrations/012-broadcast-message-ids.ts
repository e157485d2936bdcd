/**
 * A broadcast message's id on its platform (docs/whatsapp-cloud.md#sending-and-the-24-hour-window):
 * Meta may refuse a free-form broadcast afterwards, in a `failed` status naming only that id.
 */
export const broadcastMessageIdsMigration = {
  version: 12,
  name: "broadcast-message-ids",
  sql: `
ALTER TABLE broadcast_recipients ADD COLUMN sent_message_id TEXT;
CREATE INDEX broadcast_recipients_message ON broadcast_recipients(platform, sent_message_id) WHERE sent_message_id IS NOT NULL;
`,
};
