import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SIMULATOR_CREDENTIALS } from "./credentials.ts";
import { loadEnv } from "../../config.ts";
import { startSimulator, type Simulator } from "./server.ts";

/**
 * `npm run simulator`: the simulator as its own process, so tests, benchmarks and the soak talk to a
 * socket (and a file) that outlives the bot. Env: SIMULATOR_PORT (0 = any free port), SIMULATOR_DB
 * (default ./data/simulator.db), SIMULATOR_SETTLE_MS (pending settle delay, default 20000).
 */
function wholeNumber(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

export async function main(env: Record<string, string | undefined>, print: (line: string) => void = console.log): Promise<Simulator> {
  const dbPath = env["SIMULATOR_DB"] ?? "./data/simulator.db";
  if (dbPath !== ":memory:") mkdirSync(dirname(resolve(dbPath)), { recursive: true });
  const port = wholeNumber(env, "SIMULATOR_PORT") ?? 0;
  const settleAfterMs = wholeNumber(env, "SIMULATOR_SETTLE_MS");
  const sim = await startSimulator({ dbPath, port, ...(settleAfterMs === undefined ? {} : { settleAfterMs }) });
  print(`simulator listening on ${sim.url}`);
  const { iak, espay } = SIMULATOR_CREDENTIALS;
  print(
    `credentials: IAK_USERNAME=${iak.username} IAK_API_KEY=${iak.apiKey} IAK_BASE_URL=${sim.url} | ` +
      `ESPAY_SENDER_ID=${espay.senderId} ESPAY_PASSWORD=${espay.password} ESPAY_SIGNATURE_KEY=${espay.signatureKey} ` +
      `ESPAY_BASIC_USER=${espay.basicUser} ESPAY_BASIC_PASSWORD=${espay.basicPassword} ESPAY_BASE_URL=${sim.url}`,
  );
  return sim;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  const sim = await main(loadEnv());
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
