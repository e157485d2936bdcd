import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../src/db/open.ts";
import { createWalSync } from "../../src/db/wal-sync.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function onDisk(): { db: Db; path: string } {
  const dir = mkdtempSync(join(tmpdir(), "loket-wal-"));
  const path = join(dir, "loket.db");
  const db = openDatabase(path);
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, path };
}

describe("wal sync", () => {
  it("is not available for an in-memory database (the caller falls back to synchronous=FULL)", () => {
    expect(createWalSync(":memory:").available()).toBe(false);
  });

  it("syncs the WAL file of a database on disk", async () => {
    const { path } = onDisk();
    const calls: number[] = [];
    const sync = createWalSync(path, { fdatasync: (fd, cb) => (calls.push(fd), cb(null)) });
    expect(sync.available()).toBe(true);
    await sync.sync();
    expect(calls).toHaveLength(1);
    sync.close();
  });

  it("callers arriving during a sync wait for the next one and share it", async () => {
    const { path } = onDisk();
    const pending: ((err: NodeJS.ErrnoException | null) => void)[] = [];
    const sync = createWalSync(path, { fdatasync: (_fd, cb) => pending.push(cb) });
    const order: string[] = [];
    const first = sync.sync().then(() => order.push("first"));
    const second = sync.sync().then(() => order.push("second"));
    const third = sync.sync().then(() => order.push("third"));
    expect(pending).toHaveLength(1);
    pending.shift()!(null);
    await first;
    // The second and third may have committed after the first sync began: one more sync covers both.
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(["first"]);
    expect(pending).toHaveLength(1);
    pending.shift()!(null);
    await Promise.all([second, third]);
    expect(order).toEqual(["first", "second", "third"]);
    expect(pending).toHaveLength(0);
    sync.close();
  });

  it("a failed sync rejects its callers; the next call tries again", async () => {
    const { path } = onDisk();
    let fail = true;
    const sync = createWalSync(path, { fdatasync: (_fd, cb) => cb(fail ? Object.assign(new Error("EIO"), { code: "EIO" }) : null) });
    await expect(sync.sync()).rejects.toThrow("EIO");
    fail = false;
    await expect(sync.sync()).resolves.toBeUndefined();
    sync.close();
  });

  it("really syncs with the default fdatasync", async () => {
    const { db, path } = onDisk();
    db.exec("CREATE TABLE t (x INTEGER)");
    const sync = createWalSync(path);
    await expect(sync.sync()).resolves.toBeUndefined();
    sync.close();
  });
});
