import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SIMULATOR_CREDENTIALS } from "./credentials.ts";
import { loadEnv } from "../../config.ts";
import { gatewaySimulatorDbPath } from "../../gateway/simulator/client.ts";
import { startGatewaySimulator, type GatewaySimulator } from "../../gateway/simulator/server.ts";
import { startSimulator, type Simulator } from "./server.ts";

/**
 * `npm run simulator`: the simulator as its own process, so tests, benchmarks and the soak talk to a
 * socket (and a file) that outlives the bot. Env: SIMULATOR_PORT (0 = any free port), SIMULATOR_DB
 * (default ./data/simulator.db), SIMULATOR_SETTLE_MS (pending settle delay, default 20000).
 * The payment-gateway simulator starts beside it (docs/gateway.md#simulator): GATEWAY_SIMULATOR_PORT,
 * GATEWAY_SIMULATOR_DB (default gateway-simulator.db beside SIMULATOR_DB), GATEWAY_SIMULATOR_NOTIFY_URL (where
 * its notifications go when a charge names none), GATEWAY_SIMULATOR_PAY_AFTER_MS (default 5000).
 */
function wholeNumber(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/** Both simulators; close() stops both. */
export type Simulators = Simulator & { gateway: GatewaySimulator };

function fileFor(env: Record<string, string | undefined>, name: string, fallback: string): string {
  const dbPath = env[name] ?? fallback;
  if (dbPath !== ":memory:") mkdirSync(dirname(resolve(dbPath)), { recursive: true });
  return dbPath;
}

async function startGateway(env: Record<string, string | undefined>, providerDb: string, print: (line: string) => void): Promise<GatewaySimulator> {
  const notifyUrl = env["GATEWAY_SIMULATOR_NOTIFY_URL"];
  if (notifyUrl !== undefined && notifyUrl !== "" && !/^https?:\/\/\S+$/i.test(notifyUrl)) {
    throw new Error(`GATEWAY_SIMULATOR_NOTIFY_URL must be an http(s) URL, got "${notifyUrl}"`);
  }
  const payAfterMs = wholeNumber(env, "GATEWAY_SIMULATOR_PAY_AFTER_MS");
  const gateway = await startGatewaySimulator({
    dbPath: fileFor(env, "GATEWAY_SIMULATOR_DB", gatewaySimulatorDbPath(providerDb)),
    port: wholeNumber(env, "GATEWAY_SIMULATOR_PORT") ?? 0,
    ...(notifyUrl !== undefined && notifyUrl !== "" && { notifyUrl }),
    ...(payAfterMs !== undefined && { payAfterMs }),
  });
  print(`gateway simulator listening on ${gateway.url}`);
  print(`gateway credentials: GATEWAY=midtrans MIDTRANS_BASE_URL=${gateway.url} MIDTRANS_SERVER_KEY=${gateway.serverKey}`);
  return gateway;
}

export async function main(env: Record<string, string | undefined>, print: (line: string) => void = console.log): Promise<Simulators> {
  const dbPath = fileFor(env, "SIMULATOR_DB", "./data/simulator.db");
  const port = wholeNumber(env, "SIMULATOR_PORT") ?? 0;
  const settleAfterMs = wholeNumber(env, "SIMULATOR_SETTLE_MS");
  // Read before anything listens, so a bad value stops the start with nothing left open.
  wholeNumber(env, "GATEWAY_SIMULATOR_PORT");
  wholeNumber(env, "GATEWAY_SIMULATOR_PAY_AFTER_MS");
  const sim = await startSimulator({ dbPath, port, ...(settleAfterMs === undefined ? {} : { settleAfterMs }) });
  print(`simulator listening on ${sim.url}`);
  const { iak, espay } = SIMULATOR_CREDENTIALS;
  print(
    `credentials: IAK_USERNAME=${iak.username} IAK_API_KEY=${iak.apiKey} IAK_BASE_URL=${sim.url} | ` +
      `ESPAY_SENDER_ID=${espay.senderId} ESPAY_PASSWORD=${espay.password} ESPAY_SIGNATURE_KEY=${espay.signatureKey} ` +
      `ESPAY_BASIC_USER=${espay.basicUser} ESPAY_BASIC_PASSWORD=${espay.basicPassword} ESPAY_BASE_URL=${sim.url}`,
  );
  let gateway: GatewaySimulator;
  try {
    gateway = await startGateway(env, dbPath, print);
  } catch (err) {
    await sim.close();
    throw err;
  }
  return {
    ...sim,
    gateway,
    close: async () => {
      await Promise.all([sim.close(), gateway.close()]);
    },
  };
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
