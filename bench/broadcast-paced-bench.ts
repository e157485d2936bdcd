import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.ts";
import { createBroadcastRepo } from "../src/db/broadcasts-repo.ts";
import { parseConfig } from "../src/config.ts";
import { inTransaction } from "../src/db/open.ts";
import { fundedTelegramPayers, seedTelegramUsers } from "./seed-users.ts";
import { silentLogger } from "../src/logger.ts";
import { startTelegram } from "../src/transports/telegram/start-telegram.ts";
import { startFakeTelegram } from "../test/fakes/telegram-api.ts";
import { drivePayers } from "./telegram-driver.ts";
import { round } from "./stats.ts";

export interface PacedFigures {
  recipients: number;
  paced_rate_per_s: number;
  configured_rate_per_s: number;
  http_429: number;
  payer_reply_p50_ms: number;
  payer_reply_p99_ms: number;
  payer_messages: number;
}

const PAYERS_FROM = 4_000_000;

/**
 * A broadcast through the real Telegram transport with the default configuration (its pace
 * included), against a fake Bot API that enforces Telegram's limits — 30 messages a second across
 * chats, about one a second in each chat after a short burst — while payers pay their bills at a
 * person's pace. Figures: the broadcast's achieved rate, the 429s it drew, and how long a payer
 * waited for each answer meanwhile.
 */
export async function benchPacedBroadcast(opts: { recipients: number; payers: number }): Promise<PacedFigures> {
  const dir = mkdtempSync(join(tmpdir(), "loket-bench-paced-"));
  const fake = await startFakeTelegram({ limits: { bulkPerSecond: 30, chatBurst: 5, chatPerSecond: 1 } });
  const config = parseConfig({ DATABASE_PATH: join(dir, "loket.db"), TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, LOG_LEVEL: "silent" });
  const app = await createApp(config, { log: silentLogger(), simulatorDbPath: ":memory:" });
  // Seeded in SQL, so the figure is the bot's and not the seeding's.
  seedTelegramUsers(app.db, opts.recipients, 3_000_000);
  fundedTelegramPayers(app.db, app.repos, opts.payers, PAYERS_FROM);
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
  const broadcast = app.broadcastRunner.idle().then(() => (performance.now() - t0) / 1000);
  // Payers who read and tap like people (about three seconds a step: a bill read, a number typed).
  const payers = await drivePayers(fake, { payers: opts.payers, flows: 2, firstUserId: PAYERS_FROM, thinkMs: 3_000 });
  const seconds = await broadcast;
  const sent = fake.callsOf("sendMessage").filter((c) => c.status === "ok" && Number(c.payload.chat_id) < PAYERS_FROM).length - sendsBefore;
  const http429 = fake.rateLimitedCount();
  await transport.stop();
  await app.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    recipients: opts.recipients,
    paced_rate_per_s: round(sent / seconds, 1),
    configured_rate_per_s: config.broadcast.telegramRate,
    http_429: http429,
    payer_reply_p50_ms: payers.p50_ms,
    payer_reply_p99_ms: payers.p99_ms,
    payer_messages: payers.messages,
  };
}
