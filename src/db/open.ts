import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { migrate } from "./migrations.ts";

export type Db = Database.Database;

/**
 * Opens the one SQLite file: WAL so readers never block the writer, foreign keys on, and a busy
 * timeout because the operator CLI may write the same file while the bot runs.
 */
export function openDatabase(path: string): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  // NORMAL is crash-safe in WAL mode (no corruption); the commits that must survive a power loss
  // (the one before a pay request leaves) go through `durably`.
  db.pragma("synchronous = NORMAL");
  migrate(db);
  return db;
}

/**
 * Runs fn in one IMMEDIATE transaction: the write lock is taken up front, so a second process
 * cannot make it fail half-way with SQLITE_BUSY_SNAPSHOT.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/**
 * Like inTransaction, but the commit is flushed to disk before this returns (synchronous=FULL):
 * used where an external effect (a pay request) follows and must never be forgotten.
 */
export function durably<T>(db: Db, fn: () => T): T {
  db.pragma("synchronous = FULL");
  try {
    return db.transaction(fn).immediate();
  } finally {
    db.pragma("synchronous = NORMAL");
  }
}
