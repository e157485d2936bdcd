import { loadEnv } from "./config.ts";
import { main } from "./cli/main.ts";

/** `npm run cli -- <command>`: the operator CLI (src/cli/). Only this file touches the process. */
let env: Record<string, string | undefined> | undefined;
try {
  env = loadEnv();
} catch (err) {
  process.stderr.write(`Cannot read .env: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
if (env !== undefined) process.exitCode = await main(process.argv.slice(2), env, { stdout: process.stdout, stderr: process.stderr });
