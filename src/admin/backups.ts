import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Db } from "../db/open.ts";
import { wibDate } from "../domain/wib-time.ts";

const NAME = /^loket-(\d{4}-\d{2}-\d{2})\.db$/;

/** One consistent copy of the live database, taken with SQLite's online backup API (safe while the bot writes). */
export async function backupTo(db: Db, file: string): Promise<number> {
  // Written aside and renamed when complete: a copy cut off half-way never looks like a backup.
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  await db.backup(partial);
  renameSync(partial, file);
  return statSync(file).size;
}

/**
 * Daily backups: one file per WIB day in BACKUP_DIR, the newest BACKUP_KEEP kept. Checked
 * hourly, so a bot restarted during the day still makes that day's copy.
 */
export function createBackupScheduler(deps: { db: Db; dir: string; keep: number; now: () => number; log: Logger; checkEveryMs?: number }) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<string | null> | null = null;

  async function runIfDue(): Promise<string | null> {
    mkdirSync(deps.dir, { recursive: true });
    const file = join(deps.dir, `loket-${wibDate(deps.now())}.db`);
    const existing = readdirSync(deps.dir).filter((f) => NAME.test(f));
    if (existing.includes(`loket-${wibDate(deps.now())}.db`)) return null;
    const size = await backupTo(deps.db, file);
    deps.log.info({ file, size }, "daily backup written");
    const all = [...existing, `loket-${wibDate(deps.now())}.db`].sort();
    for (const old of all.slice(0, Math.max(0, all.length - deps.keep))) rmSync(join(deps.dir, old), { force: true });
    return file;
  }

  function tick() {
    if (running) return;
    running = runIfDue()
      .catch((err: unknown) => {
        deps.log.error({ err }, "daily backup failed");
        return null;
      })
      .finally(() => (running = null));
  }

  return {
    runIfDue,
    start() {
      tick();
      timer = setInterval(tick, deps.checkEveryMs ?? 3_600_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (running) await running;
    },
  };
}
