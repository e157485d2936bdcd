import type Database from "better-sqlite3";

import { coreMigration } from "./migrations/001-core.ts";
import { telegramMigration } from "./migrations/002-telegram.ts";
import { whatsappMigration } from "./migrations/003-whatsapp.ts";
import { broadcastMigration } from "./migrations/004-broadcast.ts";
import { erasureMigration } from "./migrations/005-erasure.ts";
import { gatewayTopupsMigration } from "./migrations/006-gateway-topups.ts";
import { remindersMigration } from "./migrations/007-reminders.ts";
import { dashboardMigration } from "./migrations/008-dashboard.ts";
import { whatsappCloudMigration } from "./migrations/009-whatsapp-cloud.ts";
import { topupReviewMigration } from "./migrations/010-topup-review.ts";
import { broadcastMessageIdsMigration } from "./migrations/012-broadcast-message-ids.ts";
import { autopayReviewMigration } from "./migrations/011-autopay-review.ts";

/**
 * Numbered migrations, applied in order and recorded in schema_migrations. Never edit one that
 * has shipped: add the next number, one file each.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  coreMigration,
  telegramMigration,
  whatsappMigration,
  broadcastMigration,
  erasureMigration,
  gatewayTopupsMigration,
  remindersMigration,
  dashboardMigration,
  whatsappCloudMigration,
  topupReviewMigration,
  autopayReviewMigration,
  broadcastMessageIdsMigration,
];

export function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set((db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version));
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, Date.now());
    }).immediate();
  }
}
