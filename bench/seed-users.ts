import { inTransaction, type Db } from "../src/db/open.ts";
import type { Repos } from "../src/db/repos.ts";

/**
 * Many Telegram users straight into the database in SQL (ids firstId, firstId + 1, …), so a
 * benchmark measures the bot and not the garbage of seeding them from JavaScript.
 */
export function seedTelegramUsers(db: Db, count: number, firstId: number): void {
  inTransaction(db, () => {
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO users (public_id, platform, address, locale, created_at, last_seen_at)
       SELECT 'S' || printf('%07d', ? + i), 'telegram', CAST(CAST(? AS INTEGER) + i AS TEXT), 'id', 0, 0 FROM n`,
    ).run(count, firstId, firstId);
    db.prepare(
      "INSERT OR IGNORE INTO user_identities (platform, external_id, user_id) SELECT 'telegram', address, id FROM users WHERE platform = 'telegram'",
    ).run();
  });
}

/** Payers with money, credited the way an admin would: real providers mean no demo balance. */
export function fundedTelegramPayers(db: Db, repos: Repos, count: number, firstId: number, rupiah = 50_000_000): void {
  inTransaction(db, () => {
    for (let i = 0; i < count; i++) {
      const id = String(firstId + i);
      const u = repos.users.create({ platform: "telegram", externalId: id, address: id, locale: "id", now: Date.now() });
      repos.ledger.post({ userId: u.id, amount: rupiah, kind: "topup", actor: "bench", now: Date.now() });
    }
  });
}
