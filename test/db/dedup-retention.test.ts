import { afterEach, describe, expect, it, vi } from "vitest";
import { createDedupPruner, DEDUP_RETENTION_MS } from "../../src/db/dedup-retention.ts";
import { openDatabase } from "../../src/db/open.ts";
import { createRepos } from "../../src/db/repos.ts";
import { silentLogger } from "../../src/logger.ts";
import { setupApp, type Harness } from "../helpers/app-harness.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let h: Harness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
  h = undefined;
});

function inboundIds(db: ReturnType<typeof openDatabase>): string[] {
  return (db.prepare("SELECT message_id FROM inbound ORDER BY message_id").all() as { message_id: string }[]).map((r) => r.message_id);
}

describe("de-duplication ids are kept long enough, and not too long", () => {
  it("outlive Telegram's 24-hour re-delivery and are gone well before its update_id can restart after a week", () => {
    expect(DEDUP_RETENTION_MS).toBeGreaterThan(DAY);
    // A daily prune may run up to a day late: even then no id is older than a week.
    expect(DEDUP_RETENTION_MS + DAY).toBeLessThan(7 * DAY);
  });

  it("the inbound pruner drops ids older than the retention and keeps younger ones", () => {
    const db = openDatabase(":memory:");
    const repos = createRepos(db);
    const t0 = Date.UTC(2025, 0, 1);
    repos.inbound.record("telegram", "msg:1:1", null, t0);
    repos.inbound.record("telegram", "msg:1:2", null, t0 + 2 * DAY);
    let now = t0 + DEDUP_RETENTION_MS - 1;
    const pruner = createDedupPruner({ inbound: repos.inbound, telegramInbox: repos.telegramInbox, now: () => now, log: silentLogger() });
    expect(pruner.runOnce()).toBe(0);
    now = t0 + DEDUP_RETENTION_MS + 1;
    expect(pruner.runOnce()).toBe(1);
    expect(inboundIds(db)).toEqual(["msg:1:2"]);
    db.close();
  });

  it("prunes at start and then once a day", () => {
    vi.useFakeTimers();
    const db = openDatabase(":memory:");
    const repos = createRepos(db);
    let now = Date.UTC(2025, 0, 10);
    repos.inbound.record("whatsapp", "old", null, now - 4 * DAY);
    repos.inbound.record("whatsapp", "young", null, now - 2 * DAY);
    const pruner = createDedupPruner({ inbound: repos.inbound, telegramInbox: repos.telegramInbox, now: () => now, log: silentLogger() });
    pruner.start();
    expect(inboundIds(db)).toEqual(["young"]);
    now += DAY + HOUR;
    vi.advanceTimersByTime(DAY);
    expect(inboundIds(db)).toEqual([]);
    pruner.stop();
    db.close();
  });

  it("the app prunes old inbound ids when it starts", async () => {
    h = await setupApp();
    h.app.repos.inbound.record("telegram", "msg:7:1", null, h.clock.now() - 4 * DAY);
    h.app.repos.inbound.record("telegram", "msg:7:2", null, h.clock.now() - HOUR);
    h.app.start();
    expect(inboundIds(h.app.db)).toEqual(["msg:7:2"]);
  });
});
