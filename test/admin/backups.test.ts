import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.ts";
import { createBackupScheduler } from "../../src/admin/backups.ts";
import { silentLogger } from "../../src/logger.ts";

describe("daily backups", () => {
  it("writes one readable copy per WIB day and keeps the newest BACKUP_KEEP", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loket-backup-"));
    const db = openDatabase(join(dir, "live.db"));
    db.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run();
    let now = Date.UTC(2026, 10, 1, 3);
    const backups = createBackupScheduler({ db, dir: join(dir, "b"), keep: 3, now: () => now, log: silentLogger() });
    for (let day = 0; day < 5; day++) {
      expect(await backups.runIfDue()).not.toBeNull();
      expect(await backups.runIfDue()).toBeNull(); // once a day
      now += 24 * 3600_000;
    }
    expect(readdirSync(join(dir, "b")).sort()).toEqual(["loket-2026-11-03.db", "loket-2026-11-04.db", "loket-2026-11-05.db"]);
    const copy = new Database(join(dir, "b", "loket-2026-11-05.db"), { readonly: true });
    expect(copy.prepare("SELECT value FROM meta WHERE key = 'k'").get()).toEqual({ value: "v" });
    copy.close();
    db.close();
    expect(existsSync(join(dir, "b", "loket-2026-11-01.db"))).toBe(false);
  });
});
