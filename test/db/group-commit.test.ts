import { afterEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { createGroupCommitter } from "../../src/db/group-commit.ts";
import type { WalSync } from "../../src/db/wal-sync.ts";

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

function memoryDb() {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t (x INTEGER UNIQUE)");
  dbs.push(db);
  const rows = () =>
    db
      .prepare<[], { x: number }>("SELECT x FROM t ORDER BY x")
      .all()
      .map((r) => r.x);
  const insert = (x: number) => db.prepare("INSERT INTO t (x) VALUES (?)").run(x);
  return { db, rows, insert };
}

/** A WAL sync whose fsyncs finish when the test says so. */
function heldSync(): WalSync & { calls: number; finish(err?: Error): void } {
  let waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    calls: 0,
    available: () => true,
    sync() {
      this.calls++;
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    finish(err?: Error) {
      const now = waiting;
      waiting = [];
      for (const w of now)
        if (err) w.reject(err);
        else w.resolve();
    },
    close: () => undefined,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("group commit", () => {
  it("works queued together share one transaction; one that throws rolls back and rejects alone", async () => {
    const { db, rows, insert } = memoryDb();
    const commits = createGroupCommitter(db);
    const a = commits.run(() => insert(1));
    const b = commits.run(() => {
      insert(2);
      insert(1); // UNIQUE: this work fails after its first insert
    });
    const c = commits.run(() => (insert(3), "three"));
    await expect(a).resolves.toBeDefined();
    await expect(b).rejects.toThrow(/UNIQUE/);
    await expect(c).resolves.toBe("three");
    expect(rows()).toEqual([1, 3]);
  });

  it("a work sees the writes of the works queued before it", async () => {
    const { db, insert } = memoryDb();
    const commits = createGroupCommitter(db);
    void commits.run(() => insert(7));
    const seen = await commits.run(() => db.prepare("SELECT COUNT(*) AS n FROM t").get());
    expect(seen).toEqual({ n: 1 });
  });

  it("afterCommit runs after the commit, never for a work rolled back, and refuses outside a work", async () => {
    const { db, insert } = memoryDb();
    const commits = createGroupCommitter(db);
    const ran: string[] = [];
    expect(commits.afterCommit(() => ran.push("outside"))).toBe(false);
    const ok = commits.run(() => {
      insert(1);
      commits.afterCommit(() => ran.push(`ok, in transaction: ${db.inTransaction}`));
    });
    const bad = commits.run(() => {
      commits.afterCommit(() => ran.push("bad"));
      throw new Error("no");
    });
    await ok;
    await expect(bad).rejects.toThrow("no");
    expect(ran).toEqual(["ok, in transaction: false"]);
  });

  it("without a WAL to sync, a durable batch commits at synchronous=FULL and goes back to NORMAL", async () => {
    const { db } = memoryDb();
    db.pragma("synchronous = NORMAL");
    const commits = createGroupCommitter(db);
    const during = await commits.run(() => db.pragma("synchronous", { simple: true }), { durable: true });
    expect(during).toBe(2); // FULL
    expect(db.pragma("synchronous", { simple: true })).toBe(1);
  });

  it("a durable batch is answered only once its WAL sync is done, while later batches go on", async () => {
    const { db, rows, insert } = memoryDb();
    const sync = heldSync();
    const commits = createGroupCommitter(db, { walSync: sync });
    const answered: string[] = [];
    const durable = commits
      .run(
        () => {
          insert(1);
          commits.afterCommit(() => answered.push("durable: after commit"));
        },
        { durable: true },
      )
      .then(() => answered.push("durable"));
    const sameBatch = commits.run(() => insert(2)).then(() => answered.push("same batch"));
    await tick();
    expect(rows()).toEqual([1, 2]); // committed …
    expect(sync.calls).toBe(1);
    expect(answered).toEqual([]); // … but nobody told yet

    // Another payer's step is served meanwhile.
    await commits.run(() => insert(3));
    expect(answered).toEqual([]);
    let flushed = false;
    const flush = commits.flush().then(() => (flushed = true));
    await tick();
    expect(flushed).toBe(false);

    sync.finish();
    await Promise.all([durable, sameBatch, flush]);
    expect(answered).toEqual(["durable: after commit", "durable", "same batch"]);
    expect(db.pragma("synchronous", { simple: true })).toBe(2 /* :memory: default FULL, untouched */);
  });

  it("a failed sync rejects the works of its batch (no pay request follows)", async () => {
    const { db } = memoryDb();
    const sync = heldSync();
    const commits = createGroupCommitter(db, { walSync: sync });
    const durable = commits.run(() => "confirmed", { durable: true });
    await tick();
    sync.finish(new Error("EIO"));
    await expect(durable).rejects.toThrow("EIO");
  });
});
