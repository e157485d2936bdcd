import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { benchEngine } from "./engine-bench.ts";
import { benchTelegram } from "./telegram-bench.ts";
import { benchPacedBroadcast } from "./broadcast-paced-bench.ts";

/**
 * `npm run bench`: in-process figures (README: Benchmarks), written to bench/results.json
 * and printed as a table. BENCH_QUICK=1 runs a smaller version.
 */
const quick = process.env.BENCH_QUICK === "1";
const payers = quick ? 40 : 200;
const flows = quick ? 2 : 5;

console.log(`engine: ${payers} payers × ${flows} flows…`);
const loaded = await benchEngine({ payers, flowsPerPayer: flows });
// With payers answering at once, latency is mostly queueing (Little's law: payers ÷ throughput);
// one payer alone shows what a message costs.
console.log("engine: one payer alone…");
const alone = await benchEngine({ payers: quick ? 4 : 20, flowsPerPayer: 5, oneAtATime: true });
const engine = { ...loaded, unloaded_p50_ms: alone.p50_ms, unloaded_p99_ms: alone.p99_ms };
console.log("telegram path…");
const telegram = await benchTelegram({ payers, flows });
console.log("broadcast and memory (own process)…");
const users = quick ? 20_000 : 100_000;
const bm = JSON.parse(
  execFileSync(process.execPath, ["--import", "tsx", new URL("./broadcast-memory-bench.ts", import.meta.url).pathname], {
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
console.log("paced broadcast against a fake API that enforces 30/s…");
const paced = await benchPacedBroadcast({ recipients: quick ? 100 : 500, rate: 25 });

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
