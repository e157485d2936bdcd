import type { Db } from "./open.ts";
import type { WalSync } from "./wal-sync.ts";

/**
 * Group commit (docs/architecture.md): every write of the engine's hot path is queued here and
 * run, with the others queued in the same turn of the event loop, inside one IMMEDIATE transaction
 * — each in its own savepoint, so one that throws rolls back alone and rejects alone. A commit costs
 * the same for one write as for two hundred, so a crowd of payers shares it. A batch holding a
 * durable write (the confirm before a pay request leaves) is committed with synchronous=FULL: the
 * whole batch shares one fsync. A work is synchronous (better-sqlite3) and sees the writes queued
 * before it, in order. With a WAL file to sync (a database on disk), that fsync runs off the event
 * loop (src/db/wal-sync.ts): the batch is committed at NORMAL and its works resolve once the WAL is
 * on disk, while other payers' batches go on being served.
 */
export interface GroupCommitter {
  /** Runs `work` in the next batch; resolves with its result once the batch is committed. */
  run<T>(work: () => T, options?: { durable?: boolean }): Promise<T>;
  /**
   * Inside a work: runs `fn` once the batch holding it is committed, and never if the work rolled
   * back. Outside one, returns false and does nothing (the caller must find out another way).
   */
  afterCommit(fn: () => void): boolean;
  /** Resolves once everything queued so far is committed (or failed). */
  flush(): Promise<void>;
}

interface Queued {
  work: () => unknown;
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export function createGroupCommitter(db: Db, options: { maxBatch?: number; walSync?: WalSync } = {}): GroupCommitter {
  const maxBatch = options.maxBatch ?? 500;
  const walSync = options.walSync;
  /** Durable batches committed and waiting for their sync: flush() waits for them too. */
  const syncing = new Set<Promise<void>>();
  // Plain statements, prepared once: a better-sqlite3 transaction function per work would build
  // its wrappers on every call, which shows on the hot path.
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  const savepoint = db.prepare("SAVEPOINT work");
  const release = db.prepare("RELEASE work");
  const rollbackTo = db.prepare("ROLLBACK TO work");
  let queue: Queued[] = [];
  let scheduled = false;
  /** The after-commit actions of the work running now, or null outside a work. */
  let current: (() => void)[] | null = null;
  let idleWaiters: (() => void)[] = [];

  /** Runs one work in its own savepoint: one that throws is rolled back alone. */
  type Outcome = { ok: true; value: unknown; after: (() => void)[] } | { ok: false; err: unknown };

  function runWork(q: Queued): Outcome {
    savepoint.run();
    current = [];
    try {
      const value = q.work();
      release.run();
      return { ok: true, value, after: current };
    } catch (err) {
      if (db.inTransaction) {
        rollbackTo.run();
        release.run();
      }
      return { ok: false, err };
    } finally {
      current = null;
    }
  }

  function runBatch(batch: Queued[]): void {
    const outcomes: Outcome[] = [];
    const durable = batch.some((q) => q.durable);
    const syncAfter = durable && walSync !== undefined && walSync.available();
    const syncInline = durable && !syncAfter;
    try {
      if (syncInline) db.pragma("synchronous = FULL");
      try {
        begin.run();
        try {
          for (const q of batch) outcomes.push(runWork(q));
          commit.run();
        } catch (err) {
          if (db.inTransaction) rollback.run();
          throw err;
        }
      } finally {
        if (syncInline) db.pragma("synchronous = NORMAL");
      }
    } catch (err) {
      // The transaction itself failed (disk, lock timeout): nothing of the batch happened.
      for (const q of batch) q.reject(err);
      return;
    }
    if (!syncAfter) {
      settle(batch, outcomes);
      return;
    }
    // Nothing of a durable batch is answered (no reply queued, no pay request let go) before it is on disk.
    const synced = walSync.sync().then(
      () => settle(batch, outcomes),
      (err: unknown) => {
        for (const q of batch) q.reject(err);
      },
    );
    syncing.add(synced);
    void synced.finally(() => syncing.delete(synced));
  }

  function settle(batch: Queued[], outcomes: Outcome[]): void {
    batch.forEach((q, i) => {
      const o = outcomes[i]!;
      if (o.ok) {
        for (const fn of o.after) fn();
        q.resolve(o.value);
      } else q.reject(o.err);
    });
  }

  function flushNow(): void {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      runBatch(batch);
    }
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flushNow);
  }

  return {
    run<T>(work: () => T, opts: { durable?: boolean } = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, durable: opts.durable === true, resolve: resolve as (v: unknown) => void, reject });
        schedule();
      });
    },
    afterCommit(fn) {
      if (current === null) return false;
      current.push(fn);
      return true;
    },
    async flush(): Promise<void> {
      if (queue.length > 0 || scheduled)
        await new Promise<void>((resolve) => {
          idleWaiters.push(resolve);
          schedule();
        });
      await Promise.all([...syncing]);
    },
  };
}
