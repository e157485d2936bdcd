import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";
import { silentLogger } from "../src/logger.ts";
import { startTelegram } from "../src/transports/telegram/start-telegram.ts";
import { startFakeTelegram, type FakeUser } from "../test/fakes/telegram-api.ts";
import { numberFor } from "./engine-bench.ts";
import { fundedTelegramPayers } from "./seed-users.ts";
import { iakAt, startSimulatorProcess } from "./simulator-process.ts";
import { percentile, round } from "./stats.ts";

export interface TelegramFigures {
  messages_per_s: number;
  p50_ms: number;
  p99_ms: number;
}

/**
 * The engine bench's flows through the real grammY transport: updates fetched by long polling from
 * the fake Bot API server over HTTP, replies sent back to it. Telegram's own ~30/s limit is a fact
 * of the platform, not our overhead, so the shared limiter is opened wide here.
 */
export async function benchTelegram(opts: { payers: number; flowsPerPayer: number }): Promise<TelegramFigures> {
  const dir = mkdtempSync(join(tmpdir(), "loket-bench-tg-"));
  const sim = await startSimulatorProcess({ SIMULATOR_DB: join(dir, "sim.db") });
  const fake = await startFakeTelegram();
  const config = parseConfig({
    DATABASE_PATH: join(dir, "loket.db"),
    ...iakAt(sim.url),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_BROADCAST_RATE: "100000",
    LOG_LEVEL: "silent",
    INQUIRY_LIMIT_PER_HOUR: "1000",
  });
  const app = await createApp(config, { log: silentLogger() });
  fundedTelegramPayers(app.db, app.repos, opts.payers, 20_000);
  const waiters = new Map<number, () => void>();
  const processed = new Set<number>();
  await app.recover();
  const transport = await startTelegram(app.ports, {
    pollTimeoutSeconds: 1,
    onProcessed: (id) => {
      processed.add(id);
      waiters.get(id)?.();
    },
  });
  app.start();

  const latencies: number[] = [];
  let messages = 0;
  const handled = (updateId: number) => (processed.has(updateId) ? Promise.resolve() : new Promise<void>((r) => waiters.set(updateId, r)));

  async function step(user: FakeUser, push: () => number): Promise<void> {
    const t0 = performance.now();
    const updateId = push();
    await handled(updateId);
    waiters.delete(updateId);
    await app.outbox.whenDrained("telegram", String(user.id));
    latencies.push(performance.now() - t0);
    messages++;
  }

  const products = ["bpjs-kesehatan", "bpjs-ketenagakerjaan", "bpjs-denda"] as const;
  async function payerLoop(i: number): Promise<void> {
    const user: FakeUser = { id: 20_000 + i, first_name: "Bench" };
    for (let flow = 0; flow < opts.flowsPerPayer; flow++) {
      const product = products[(i + flow) % 3]!;
      await step(user, () => fake.sendText(user, "/start"));
      await step(user, () => fake.tapChoice(user, `product:${product}`).updateId);
      await step(user, () => fake.sendText(user, numberFor(product, i, flow)));
      if (product !== "bpjs-denda") await step(user, () => fake.tapChoice(user, "months:1").updateId);
      await step(user, () => fake.tapChoice(user, "pay:").updateId);
    }
  }

  const t0 = performance.now();
  await Promise.all(Array.from({ length: opts.payers }, (_, i) => payerLoop(i)));
  const seconds = (performance.now() - t0) / 1000;
  await transport.stop();
  await app.close();
  await fake.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return { messages_per_s: round(messages / seconds, 1), p50_ms: round(percentile(latencies, 50)), p99_ms: round(percentile(latencies, 99)) };
}
