/** Telegram updates stored before their offset is confirmed (issue 4). Filled in by the Telegram transport. */
export const telegramMigration = {
  version: 2,
  name: "telegram",
  sql: `SELECT 1;`,
};
