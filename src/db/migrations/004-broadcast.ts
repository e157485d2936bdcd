/** Broadcasts and their recipients (issue 6). Filled in by the broadcast work. */
export const broadcastMigration = {
  version: 4,
  name: "broadcast",
  sql: `SELECT 1;`,
};
