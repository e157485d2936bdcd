import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/db/open.ts";
import { createRepos } from "../src/db/repos.ts";
import { startFakeTelegram } from "../test/fakes/telegram-api.ts";
import { cpuSecondsOf, startBotProcess } from "./bot-process.ts";
import { fundedTelegramPayers } from "./seed-users.ts";
import { iakAt, startSimulatorProcess } from "./simulator-process.ts";
import { drivePayers, type DriveFigures } from "./telegram-driver.ts";
import { freePort } from "../test/helpers/free-port.ts";
import { round } from "./stats.ts";

export interface TelegramFigures {
  messages_per_s: number;
  p50_ms: number;
  p99_ms: number;
  baseline_messages_per_s: number;
  baseline_p50_ms: number;
  baseline_p99_ms: number;
  ratio_messages_per_s: number;
  ratio_p99: number;
  cpu_us_per_message: number;
  baseline_cpu_us_per_message: number;
}

const FIRST_USER = 20_000;

/** One bot process against a fresh fake Bot API and a fresh simulator, driven by the same load. */
async function measure(
  which: "loket" | "baseline",
  opts: { payers: number; flows: number },
  dir: string,
): Promise<DriveFigures & { cpu_us_per_message: number }> {
  mkdirSync(dir, { recursive: true });
  const sim = await startSimulatorProcess({ SIMULATOR_DB: join(dir, `${which}-sim.db`) });
  const fake = await startFakeTelegram();
  const iak = iakAt(sim.url);
  let bot;
  if (which === "loket") {
    // Loket as shipped (README: `npm run build`, then `node dist/main.js`) with nothing but what it
    // needs to run: no limit opened, no log level lowered. Payers' money is credited beforehand.
    const databasePath = join(dir, "loket.db");
    const db = openDatabase(databasePath);
    fundedTelegramPayers(db, createRepos(db), opts.payers, FIRST_USER);
    db.close();
    // BENCH_CPU_PROF=<dir>: a CPU profile of the bot process, for `node --cpu-prof` figures.
    const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    bot = startBotProcess(
      [...profile, "dist/main.js"],
      // PORT: the dashboard and gateway notifications listen as shipped, on a port nobody else holds.
      {
        ...iak,
        DATABASE_PATH: databasePath,
        BACKUP_DIR: join(dir, "backups"),
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        PORT: String(await freePort()),
      },
      join(dir, "loket.log"),
    );
  } else {
    bot = startBotProcess(
      // Compiled like Loket (bench/run.ts builds dist-bench/), so neither pays for a TypeScript loader.
      existsSync("dist-bench/bench/baseline/grammy-bot.js") ? ["dist-bench/bench/baseline/grammy-bot.js"] : ["--import", "tsx", "bench/baseline/grammy-bot.ts"],
      { BOT_TOKEN: fake.token, API_ROOT: fake.apiRoot, IAK_BASE_URL: iak.IAK_BASE_URL!, IAK_USERNAME: iak.IAK_USERNAME!, IAK_API_KEY: iak.IAK_API_KEY! },
      join(dir, "baseline.log"),
    );
  }
  try {
    // Ready once it polls.
    await fake.waitForCall((c) => c.method === "getUpdates", "the bot's first getUpdates");
    // The bot's own CPU over the run (steadier than a rate on a shared machine).
    const cpu0 = cpuSecondsOf(bot.child.pid!);
    const figures = await drivePayers(fake, { payers: opts.payers, flows: opts.flows, firstUserId: FIRST_USER });
    return { ...figures, cpu_us_per_message: Math.round(((cpuSecondsOf(bot.child.pid!) - cpu0) * 1e6) / figures.messages) };
  } catch (err) {
    const { readFileSync } = await import("node:fs");
    process.stderr.write(
      `${which} bot log (tail):\n${readFileSync(join(dir, `${which}.log`), "utf8")
        .split("\n")
        .slice(-15)
        .join("\n")}\n`,
    );
    throw err;
  } finally {
    await bot.stop();
    await fake.close();
    await sim.stop();
  }
}

/** The mean of two measurements of one bot, figure by figure. */
function meanOf(a: DriveFigures & { cpu_us_per_message: number }, b: DriveFigures & { cpu_us_per_message: number }) {
  const mean = (x: number, y: number) => (x + y) / 2;
  return {
    messages_per_s: round(mean(a.messages_per_s, b.messages_per_s), 1),
    p50_ms: round(mean(a.p50_ms, b.p50_ms)),
    p99_ms: round(mean(a.p99_ms, b.p99_ms)),
    cpu_us_per_message: Math.round(mean(a.cpu_us_per_message, b.cpu_us_per_message)),
  };
}

/**
 * The Telegram path, side by side in one run (docs/delivery.md#telegram-limits): Loket with its
 * default configuration and the baseline grammY bot (bench/baseline/grammy-bot.ts), each in its own
 * process, the same payers doing the same BPJS Kesehatan flows through the same fakes over HTTP.
 * Measured in the order Loket, baseline, baseline, Loket and averaged per bot, so a machine whose
 * speed drifts during the run (a shared host does) weighs on both alike.
 */
export async function benchTelegram(opts: { payers: number; flows: number }): Promise<TelegramFigures> {
  const dir = mkdtempSync(join(tmpdir(), "loket-bench-tg-"));
  try {
    const loket1 = await measure("loket", opts, join(dir, "1"));
    const baseline1 = await measure("baseline", opts, join(dir, "2"));
    const baseline2 = await measure("baseline", opts, join(dir, "3"));
    const loket2 = await measure("loket", opts, join(dir, "4"));
    const loket = meanOf(loket1, loket2);
    const baseline = meanOf(baseline1, baseline2);
    return {
      messages_per_s: loket.messages_per_s,
      p50_ms: loket.p50_ms,
      p99_ms: loket.p99_ms,
      baseline_messages_per_s: baseline.messages_per_s,
      baseline_p50_ms: baseline.p50_ms,
      baseline_p99_ms: baseline.p99_ms,
      ratio_messages_per_s: round(loket.messages_per_s / baseline.messages_per_s),
      ratio_p99: round(loket.p99_ms / baseline.p99_ms),
      cpu_us_per_message: loket.cpu_us_per_message,
      baseline_cpu_us_per_message: baseline.cpu_us_per_message,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
