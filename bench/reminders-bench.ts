import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";
import { inTransaction } from "../src/db/open.ts";
import { planRuns } from "../src/domain/reminders/planner.ts";
import { silentLogger } from "../src/logger.ts";

/**
 * Run in its own process (so its memory is its own; `npm run bench` starts it): BENCH_SAVED saved
 * numbers (default 10,000), every one with a reminder and half with auto-pay on the 8th. Measures
 * planning a day — the pure planner alone, the first plan written to SQLite, a plan that finds
 * everything already there (what every later start and every new WIB day costs) — and then the
 * due reminders of one morning handed out (claimed, checked, written to the outbox) on the console,
 * which is not paced. Prints one JSON line.
 */
const SAVED = Number(process.env.BENCH_SAVED ?? 10_000);
const WIB = 7 * 3_600_000;
const at = (y: number, m: number, d: number, h: number) => Date.UTC(y, m - 1, d, h) - WIB;
let clock = at(2026, 12, 1, 10);
const dir = mkdtempSync(join(tmpdir(), "loket-bench-rem-"));
const config = parseConfig({ DATABASE_PATH: join(dir, "loket.db"), CONSOLE: "false", LOG_LEVEL: "silent" });
const app = await createApp(config, { log: silentLogger(), simulatorDbPath: ":memory:", now: () => clock });
let delivered = 0;
app.delivery.registerSender("console", {
  send: async () => {
    delivered++;
    return null;
  },
});

// The seeding is not measured: people, their numbers and settings written directly.
inTransaction(app.db, () => {
  const { users, savedNumbers, reminderSettings } = app.repos;
  for (let i = 0; i < SAVED; i++) {
    const u = users.create({ platform: "console", externalId: `b${i}`, address: `b${i}`, locale: "id", now: clock });
    savedNumbers.save(u.id, "bpjs-kesehatan", `88${String(i).padStart(11, "0")}`, `No ${i}`, clock);
    const savedId = savedNumbers.list(u.id)[0]!.id;
    reminderSettings.setReminder(u.id, savedId, true, clock - 86_400_000);
    if (i % 2 === 0) reminderSettings.enableAutopay({ userId: u.id, savedNumberId: savedId, day: 8, ceiling: 500_000, by: "bench", now: clock - 86_400_000 });
  }
});

const rssSeededMb = process.memoryUsage().rss / 1e6;
const heap0 = process.memoryUsage().heapUsed;
let t = performance.now();
const rows = planRuns(clock, app.repos.reminderSettings.enabled(), { daysBefore: config.reminders.daysBefore, hour: config.reminders.hour });
const pureMs = performance.now() - t;
const planHeapMb = (process.memoryUsage().heapUsed - heap0) / 1e6;

t = performance.now();
const inserted = await app.reminders.plan();
const firstPlanMs = performance.now() - t;
t = performance.now();
const again = await app.reminders.plan();
const replanMs = performance.now() - t;
const rssPlannedMb = process.memoryUsage().rss / 1e6;

// The morning of the 7th: every reminder is due at 09:00 WIB.
clock = at(2026, 12, 7, 9);
t = performance.now();
let dispatched = 0;
for (;;) {
  const n = (await app.reminders.tick()).dispatched;
  if (n === 0) break;
  dispatched += n;
}
await app.outbox.flush();
const dispatchSeconds = (performance.now() - t) / 1000;

await app.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    saved_numbers: SAVED,
    runs_planned: rows.length,
    runs_inserted: inserted,
    runs_inserted_again: again,
    plan_pure_ms: Math.round(pureMs),
    plan_first_ms: Math.round(firstPlanMs),
    plan_again_ms: Math.round(replanMs),
    plan_heap_mb: Math.round(planHeapMb * 10) / 10,
    rss_seeded_mb: Math.round(rssSeededMb),
    rss_planned_mb: Math.round(rssPlannedMb),
    // Reminders and the day-before notices of the auto-payments on the 8th, all due that morning.
    messages_sent: delivered,
    runs_dispatched: dispatched,
    messages_per_s: Math.round(delivered / dispatchSeconds),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
