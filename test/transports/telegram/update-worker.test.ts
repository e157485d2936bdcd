import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../src/db/open.ts";
import { silentLogger } from "../../../src/logger.ts";
import { createTelegramInbox } from "../../../src/db/telegram-inbox-repo.ts";
import { createUpdateWorker } from "../../../src/transports/telegram/update-worker.ts";

let db: Db | undefined;
afterEach(() => db?.close());

function setup(failures: Map<number, number>) {
  db = openDatabase(":memory:");
  const inbox = createTelegramInbox(db);
  let now = 1_000_000;
  const handled: string[] = [];
  const worker = createUpdateWorker({
    inbox,
    log: silentLogger(),
    now: () => now,
    maxAttempts: 5,
    async process(row) {
      const left = failures.get(row.update_id) ?? 0;
      if (left > 0) {
        failures.set(row.update_id, left - 1);
        handled.push(`${row.update_id}!`);
        throw new Error("engine busy");
      }
      handled.push(String(row.update_id));
    },
  });
  return { inbox, worker, handled, advance: (ms: number) => (now += ms) };
}

describe("update worker", () => {
  it("keeps each chat in order through retries while other chats go on", async () => {
    const { inbox, worker, handled, advance } = setup(new Map([[1, 2]]));
    inbox.store(
      [
        { updateId: 1, chatKey: "A", payload: "{}" },
        { updateId: 2, chatKey: "A", payload: "{}" },
        { updateId: 3, chatKey: "B", payload: "{}" },
      ],
      0,
    );
    await worker.idle();
    expect(handled).toEqual(["1!", "3"]);
    advance(1_000);
    await worker.idle();
    expect(handled).toEqual(["1!", "3", "1!"]);
    advance(2_000);
    await worker.idle();
    expect(handled).toEqual(["1!", "3", "1!", "1", "2"]);
    expect(inbox.unprocessedCount()).toBe(0);
    await worker.stop();
  });

  it("sets aside an update that keeps failing, with its error", async () => {
    const { inbox, worker, handled, advance } = setup(new Map([[7, 99]]));
    inbox.store([{ updateId: 7, chatKey: "C", payload: "{}" }], 0);
    for (let i = 0; i < 6; i++) {
      await worker.idle();
      advance(60_000);
    }
    expect(handled.filter((h) => h === "7!")).toHaveLength(5);
    expect(inbox.get(7)).toMatchObject({ attempts: 4, last_error: "engine busy" });
    expect(inbox.get(7)?.processed_at).not.toBeNull();
    await worker.stop();
  });

  it("stores an update once however often it arrives", () => {
    db = openDatabase(":memory:");
    const inbox = createTelegramInbox(db);
    expect(inbox.store([{ updateId: 5, chatKey: "A", payload: "{}" }], 0)).toHaveLength(1);
    expect(
      inbox
        .store(
          [
            { updateId: 5, chatKey: "A", payload: "{}" },
            { updateId: 6, chatKey: "A", payload: "{}" },
          ],
          0,
        )
        .map((r) => r.update_id),
    ).toEqual([6]);
    inbox.markProcessed(5, 10);
    expect(inbox.pruneProcessedBefore(11)).toBe(1);
    expect(inbox.unprocessedCount()).toBe(1);
  });
});
