import { fdatasync, openSync, closeSync } from "node:fs";

/**
 * Makes committed transactions durable without blocking the event loop (docs/architecture.md#group-commit).
 *
 * In WAL mode a commit is the frames appended to the `-wal` file; `synchronous=FULL` only adds an
 * fsync of that file after each commit, done by SQLite on the calling thread — on the one thread
 * that serves every payer. Committing with NORMAL and then calling `fdatasync` on the same file
 * from libuv's thread pool puts the same bytes on disk, while the event loop goes on. A checkpoint
 * that moves those frames into the database file syncs the database before the WAL is reused
 * (SQLite does so at NORMAL too), so a commit synced here stays on disk whatever follows.
 *
 * Callers that ask while a sync is running wait for the next one (the running one may have begun
 * before their commit); everyone waiting then shares that one.
 */
export interface WalSync {
  /** False when there is no WAL file to sync (an in-memory database): use synchronous=FULL instead. */
  available(): boolean;
  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void>;
  close(): void;
}

type FdSync = (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => void;

export function createWalSync(databasePath: string, options: { fdatasync?: FdSync } = {}): WalSync {
  const flush = options.fdatasync ?? fdatasync;
  let fd: number | null = null;
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  function open(): number | null {
    if (fd !== null || databasePath === ":memory:") return fd;
    try {
      fd = openSync(`${databasePath}-wal`, "r+");
    } catch {
      fd = null; // not created yet (no commit so far) or not in WAL mode
    }
    return fd;
  }

  function syncOnce(handle: number): Promise<void> {
    return new Promise((resolve, reject) => flush(handle, (err) => (err ? reject(err) : resolve())));
  }

  function sync(): Promise<void> {
    const handle = open();
    if (handle === null) return Promise.reject(new Error("no WAL file to sync"));
    if (running === null) {
      running = syncOnce(handle).finally(() => {
        running = null;
      });
      return running;
    }
    next ??= running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return sync();
      });
    return next;
  }

  return {
    available: () => open() !== null,
    sync,
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
