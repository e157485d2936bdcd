import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { SIMULATOR_CREDENTIALS } from "../src/providers/simulator/credentials.ts";

/** The environment that points the real IAK client at a standalone simulator. */
export function iakAt(url: string): Record<string, string> {
  return { PROVIDERS: "iak", IAK_BASE_URL: url, IAK_USERNAME: SIMULATOR_CREDENTIALS.iak.username, IAK_API_KEY: SIMULATOR_CREDENTIALS.iak.apiKey };
}

/** Starts `npm run simulator`'s entry as its own process and resolves with its URL and the gateway simulator's beside it. */
export async function startSimulatorProcess(
  env: Record<string, string> = {},
): Promise<{ url: string; gatewayUrl: string; child: ChildProcess; stop(): Promise<void> }> {
  // BENCH_SIM_CPU_PROF=<dir>: a CPU profile of the simulator, written when it stops.
  const prof = process.env.BENCH_SIM_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_SIM_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, "--import", "tsx", "src/providers/simulator/standalone.ts"], {
    env: { ...process.env, SIMULATOR_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const { url, gatewayUrl } = await new Promise<{ url: string; gatewayUrl: string }>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    let url: string | null = null;
    rl.on("line", (line) => {
      const gateway = /^gateway simulator listening on (http:\/\/\S+)/.exec(line);
      const provider = /^simulator listening on (http:\/\/\S+)/.exec(line);
      if (provider) url = provider[1]!;
      // The gateway simulator starts after the provider's (standalone.ts).
      if (gateway && url !== null) resolve({ url, gatewayUrl: gateway[1]! });
    });
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  // Whatever happens to the caller, the simulator does not outlive it.
  process.once("exit", () => child.kill("SIGKILL"));
  return {
    url,
    gatewayUrl,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
