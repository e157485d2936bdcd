import type { Db } from "./open.ts";

/**
 * Group commit (docs/architecture.md): every write of the engine's hot path is queued here and
 * run, with the others queued in the same turn of the event loop, inside one IMMEDIATE transaction
 * — each in its own savepoint, so one that throws rolls back alone and rejects alone. A commit costs
 * the same for one write as for two hundred, so a crowd of payers shares it. A batch holding a
 * durable write (the confirm before a pay request leaves) is committed with synchronous=FULL: the
 * whole batch shares one fsync. A work is synchronous (better-sqlite3) and sees the writes queued
 * before it, in order.
 */
export interface GroupCommitter {
  /** Runs `work` in the next batch; resolves with its result once the batch is committed. */
  run<T>(work: () => T, options?: { durable?: boolean }): Promise<T>;
  /** Called after every committed batch (e.g. the outbox looks for what the batch enqueued). */
  onCommitted(listener: () => void): void;
  /** Resolves once everything queued so far is committed (or failed). */
  flush(): Promise<void>;
}

interface Queued {
  work: () => unknown;
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export function createGroupCommitter(db: Db, options: { maxBatch?: number } = {}): GroupCommitter {
  const maxBatch = options.maxBatch ?? 500;
  let queue: Queued[] = [];
  let scheduled = false;
  const listeners: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];

  function runBatch(batch: Queued[]): void {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    const durable = batch.some((q) => q.durable);
    const all = db.transaction(() => {
      for (const q of batch) {
        try {
          // Nested: a savepoint, rolled back on its own when the work throws.
          outcomes.push({ ok: true, value: db.transaction(q.work)() });
        } catch (err) {
          outcomes.push({ ok: false, err });
        }
      }
    });
    try {
      if (durable) db.pragma("synchronous = FULL");
      try {
        all.immediate();
      } finally {
        if (durable) db.pragma("synchronous = NORMAL");
      }
    } catch (err) {
      // The commit itself failed (disk, lock timeout): nothing of the batch happened.
      for (const q of batch) q.reject(err);
      return;
    }
    batch.forEach((q, i) => {
      const o = outcomes[i]!;
      if (o.ok) q.resolve(o.value);
      else q.reject(o.err);
    });
  }

  function flushNow(): void {
    scheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      runBatch(batch);
    }
    for (const listener of listeners) listener();
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
    onCommitted(listener) {
      listeners.push(listener);
    },
    flush(): Promise<void> {
      if (queue.length === 0 && !scheduled) return Promise.resolve();
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        schedule();
      });
    },
  };
}
