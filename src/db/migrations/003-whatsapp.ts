/** WhatsApp auth state (creds and signal keys) in the main database (issue 5). Filled in by the WhatsApp transport. */
export const whatsappMigration = {
  version: 3,
  name: "whatsapp",
  sql: `SELECT 1;`,
};
