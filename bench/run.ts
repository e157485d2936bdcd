import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { benchEngine } from "./engine-bench.ts";
import { benchTelegram } from "./telegram-bench.ts";
import { benchPacedBroadcast } from "./broadcast-paced-bench.ts";

/**
 * `npm run bench` (README: Benchmarks): every figure with the configuration a user gets by
 * default, written to bench/results.json and printed as a table. BENCH_QUICK=1 runs a smaller
 * version. What runs as a separate process runs the production build (`npm run build`, as the
 * README tells operators): the Telegram bot and the memory figure.
 */
const quick = process.env.BENCH_QUICK === "1";
const payers = quick ? 40 : 200;
const flows = quick ? 2 : 5;
const root = new URL("..", import.meta.url).pathname;

console.log("building (npm run build, and the memory bench against the same sources)…");
execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
rmSync(`${root}dist-bench`, { recursive: true, force: true });
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", "tsconfig.bench.json"], { cwd: root, stdio: "inherit" });
// The compiled sources look for their texts beside them, as dist/ finds locales/ beside it.
mkdirSync(`${root}dist-bench`, { recursive: true });
cpSync(`${root}locales`, `${root}dist-bench/locales`, { recursive: true });

console.log(`engine: ${payers} payers × ${flows} flows…`);
const loaded = await benchEngine({ payers, flowsPerPayer: flows });
// With payers answering at once, latency is mostly queueing (Little's law: payers ÷ throughput);
// one payer alone shows what a message costs.
console.log("engine: one payer alone…");
const alone = await benchEngine({ payers: quick ? 4 : 20, flowsPerPayer: 5, oneAtATime: true });
const engine = { ...loaded, unloaded_p50_ms: alone.p50_ms, unloaded_p99_ms: alone.p99_ms };

console.log("telegram path: Loket as built and the baseline grammY bot, the same load, twice each (L, B, B, L)…");
const telegram = await benchTelegram({ payers, flows });

console.log("broadcast overhead and memory (the production build, its own process)…");
const users = quick ? 20_000 : 100_000;
const bm = JSON.parse(
  execFileSync(process.execPath, [`${root}dist-bench/bench/broadcast-memory-bench.js`], {
    env: { ...process.env, BENCH_USERS: String(users) },
    encoding: "utf8",
  }).trim(),
) as { users: number; recipients: number; overhead_recipients_per_s: number; peak_rss_mb: number };
console.log("reminders: planning a day for 10,000 saved numbers (own process)…");
const reminders = JSON.parse(
  execFileSync(process.execPath, ["--import", "tsx", new URL("./reminders-bench.ts", import.meta.url).pathname], {
    env: { ...process.env, BENCH_SAVED: String(quick ? 2_000 : 10_000) },
    encoding: "utf8",
  }).trim(),
) as Record<string, number>;
console.log("a paced broadcast with payers paying meanwhile, against a fake API enforcing Telegram's limits…");
const paced = await benchPacedBroadcast({ recipients: quick ? 100 : 500, payers: 10 });

const results = {
  date: new Date().toISOString(),
  node: process.version,
  engine,
  telegram,
  broadcast: {
    overhead_recipients_per_s: bm.overhead_recipients_per_s,
    paced_rate_per_s: paced.paced_rate_per_s,
    configured_rate_per_s: paced.configured_rate_per_s,
    http_429: paced.http_429,
    payer_reply_p50_ms: paced.payer_reply_p50_ms,
    payer_reply_p99_ms: paced.payer_reply_p99_ms,
  },
  memory: { users: bm.users, recipients: bm.recipients, peak_rss_mb: bm.peak_rss_mb },
  reminders,
};
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const rows: Record<string, Record<string, number>> = {};
for (const [section, figures] of Object.entries(results)) {
  if (typeof figures !== "object") continue;
  for (const [k, v] of Object.entries(figures)) rows[`${section}.${k}`] = { value: v as number };
}
console.table(rows);
console.log(
  `Telegram path against the baseline grammY bot: ${telegram.ratio_messages_per_s}× its updates/s (aim ≥ 2), ${telegram.ratio_p99}× its p99 (aim ≤ 0.5).`,
);
