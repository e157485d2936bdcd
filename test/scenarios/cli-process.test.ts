import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it, onTestFinished } from "vitest";
import { SIMULATOR_CREDENTIALS } from "../../src/providers/simulator/credentials.ts";
import { startSimulator } from "../../src/providers/simulator/server.ts";

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("the real CLI process", () => {
  it("talks to IAK_BASE_URL: `npx tsx src/cli.ts inquire … --json` against a standalone simulator", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "loket-cli-spawn-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const sim = await startSimulator({ dbPath: ":memory:", port: 0 });
    onTestFinished(() => sim.close());

    // execFile, not execFileSync: the simulator answers from this very event loop.
    const { stdout } = await run("npx", ["tsx", "src/cli.ts", "inquire", "bpjs-kesehatan", "8801234560000", "--months", "2", "--json"], {
      cwd: REPO,
      env: {
        ...process.env,
        DATABASE_PATH: join(dir, "loket.db"),
        PROVIDERS: "iak",
        IAK_BASE_URL: sim.url,
        IAK_USERNAME: SIMULATOR_CREDENTIALS.iak.username,
        IAK_API_KEY: SIMULATOR_CREDENTIALS.iak.apiKey,
        LOG_LEVEL: "silent",
      },
    });
    const lines = stdout.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    const out: unknown = JSON.parse(lines[0] ?? "");
    expect(out).toMatchObject({ status: "success", provider: "iak", product: "bpjs-kesehatan", number: "8801234560000", months: 2 });
  });
});
