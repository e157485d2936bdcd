import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";
import { inTransaction } from "../src/db/open.ts";
import { seedTelegramUsers } from "./seed-users.ts";
import { silentLogger } from "../src/logger.ts";

/**
 * Run in its own process (so its peak RSS is its own): 100k users in the database, a 100k-recipient
 * broadcast queued, then delivered with pacing off to a channel that does nothing (the runner's own
 * overhead). Prints one JSON line.
 */
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "loket-bench-bc-"));
const config = parseConfig({ DATABASE_PATH: join(dir, "loket.db"), CONSOLE: "false", LOG_LEVEL: "silent", ADMIN_TELEGRAM_IDS: "1" });
const app = await createApp(config, { log: silentLogger(), simulatorDbPath: ":memory:" });
// Seeded in SQL, so the figure is the bot's and not the seeding's.
seedTelegramUsers(app.db, USERS, 1_000_000);
const rssSeededMb = process.memoryUsage().rss / 1e6;
const admin = app.repos.users.findByIdentity("telegram", "1000000")!;
const { createBroadcastRepo } = await import("../src/db/broadcasts-repo.ts");
const broadcasts = createBroadcastRepo(app.db);
const draft = broadcasts.createDraft({
  createdBy: "bench",
  adminPlatform: "telegram",
  adminAddress: admin.address,
  adminUserId: admin.id,
  audience: "all",
  text: "Iuran jatuh tempo tanggal 10.",
  now: Date.now(),
});
const queued = inTransaction(app.db, () => broadcasts.start(draft.id, Date.now()));
const rssQueuedMb = process.memoryUsage().rss / 1e6;
let delivered = 0;
app.delivery.registerSender("telegram", { send: async () => null });
app.delivery.registerBroadcastChannel("telegram", { inFlight: config.broadcast.inFlight, send: async () => void delivered++ });
const peak = { heapTotal: 0, external: 0, rss: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peak.heapTotal = Math.max(peak.heapTotal, m.heapTotal / 1e6);
  peak.external = Math.max(peak.external, m.external / 1e6);
  peak.rss = Math.max(peak.rss, m.rss / 1e6);
}, 50);
const t0 = performance.now();
app.broadcastRunner.kick(draft.id);
await app.broadcastRunner.idle();
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
if (process.env.BENCH_DEBUG) console.error(peak);
await app.close();
rmSync(dir, { recursive: true, force: true });
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `${JSON.stringify({ users: USERS, recipients: queued, delivered, overhead_recipients_per_s: Math.round(delivered / seconds), rss_seeded_mb: Math.round(rssSeededMb), rss_queued_mb: Math.round(rssQueuedMb), peak_rss_mb: Math.round(peakRssMb) })}\n`,
);
