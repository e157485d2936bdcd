import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.ts";
import { createBroadcastRepo } from "../src/db/broadcasts-repo.ts";
import { parseConfig } from "../src/config.ts";
import { inTransaction } from "../src/db/open.ts";
import { seedTelegramUsers } from "./seed-users.ts";
import { silentLogger } from "../src/logger.ts";
import { startTelegram } from "../src/transports/telegram/start-telegram.ts";
import { startFakeTelegram } from "../test/fakes/telegram-api.ts";
import { round } from "./stats.ts";

export interface PacedFigures {
  recipients: number;
  paced_rate_per_s: number;
  configured_rate_per_s: number;
  http_429: number;
}

/** A broadcast through the real Telegram transport at the configured rate, against a fake API that enforces 30/s. */
export async function benchPacedBroadcast(opts: { recipients: number; rate: number }): Promise<PacedFigures> {
  const dir = mkdtempSync(join(tmpdir(), "loket-bench-paced-"));
  const fake = await startFakeTelegram({ sendsPerSecond: 30 });
  const config = parseConfig({
    DATABASE_PATH: join(dir, "loket.db"),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_BROADCAST_RATE: String(opts.rate),
    LOG_LEVEL: "silent",
  });
  const app = await createApp(config, { log: silentLogger(), simulatorDbPath: ":memory:" });
  // Seeded in SQL, so the figure is the bot's and not the seeding's.
  seedTelegramUsers(app.db, opts.recipients, 3_000_000);
  const transport = await startTelegram(app.ports, { pollTimeoutSeconds: 1 });
  const broadcasts = createBroadcastRepo(app.db);
  const admin = app.repos.users.findByIdentity("telegram", "3000000")!;
  const draft = broadcasts.createDraft({
    createdBy: "bench",
    adminPlatform: "telegram",
    adminAddress: admin.address,
    adminUserId: admin.id,
    audience: "all",
    text: "Iuran jatuh tempo tanggal 10.",
    now: Date.now(),
  });
  inTransaction(app.db, () => broadcasts.start(draft.id, Date.now()));
  const sendsBefore = fake.callsOf("sendMessage").length;
  const t0 = performance.now();
  app.broadcastRunner.kick(draft.id);
  await app.broadcastRunner.idle();
  const seconds = (performance.now() - t0) / 1000;
  const sent = fake.callsOf("sendMessage").filter((c) => c.status === "ok").length - sendsBefore;
  const http429 = fake.rateLimitedCount();
  await transport.stop();
  await app.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  return { recipients: opts.recipients, paced_rate_per_s: round(sent / seconds, 1), configured_rate_per_s: opts.rate, http_429: http429 };
}
