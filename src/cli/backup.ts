import Database from "better-sqlite3";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { backupTo } from "../admin/backups.ts";
import type { FlagSpec, ParsedArgs } from "./args.ts";
import { loadConfig, type CliContext } from "./context.ts";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "./errors.ts";

export const BACKUP_FLAGS: FlagSpec = { values: [], booleans: ["json", "help"] };
export const BACKUP_USAGE = "backup <file> [--json]";

/**
 * A consistent copy through SQLite's online backup API, safe while the bot writes.
 * The database is opened as it is (no migrations): a backup must not change what it copies.
 */
export async function runBackup(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const [fileArg, ...extra] = args.positionals;
  if (fileArg === undefined || fileArg === "" || extra.length > 0) throw new UsageError(`usage: ${BACKUP_USAGE}`);
  const config = loadConfig(ctx);
  if (config.databasePath === ":memory:") {
    ctx.io.stderr.write("DATABASE_PATH is :memory:; there is no file to back up.\n");
    return EXIT_FAILURE;
  }
  const source = resolve(config.databasePath);
  const target = resolve(fileArg);
  if (!existsSync(source)) {
    ctx.io.stderr.write(`No database at ${source} (DATABASE_PATH).\n`);
    return EXIT_FAILURE;
  }
  if (target === source) throw new UsageError("the backup file must not be the database itself");
  // Never overwrite: an old backup may be the only good copy left.
  if (existsSync(target)) throw new UsageError(`${target} already exists; choose a new file name`);
  mkdirSync(dirname(target), { recursive: true });

  const db = new Database(source, { fileMustExist: true });
  let bytes: number;
  try {
    db.pragma("busy_timeout = 5000");
    // The same copy the bot's daily backups make.
    bytes = await backupTo(db, target);
  } finally {
    db.close();
  }
  if (ctx.json) {
    ctx.io.stdout.write(`${JSON.stringify({ path: target, bytes })}\n`);
  } else {
    ctx.io.stdout.write(`Backed up ${source}\n      to ${target} (${bytes} bytes)\n`);
  }
  return EXIT_OK;
}
