import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { onTestFinished } from "vitest";
import { main } from "../../src/cli/main.ts";
import type { TxRow } from "../../src/db/transactions-repo.ts";
import type { LedgerRow } from "../../src/db/ledger-repo.ts";
import { startSimulator, type PayCall } from "../../src/providers/simulator/server.ts";
import { fakeClock, type FakeClock } from "../helpers/app-harness.ts";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as the one JSON object --json promises; throws if it is anything else. */
  json(): Record<string, unknown>;
}

export interface CliSandbox {
  dir: string;
  dbPath: string;
  /** Where createApp puts the in-process simulator's records: beside DATABASE_PATH. */
  simulatorPath: string;
  clock: FakeClock;
  env: Record<string, string>;
  run(...argv: string[]): Promise<CliRun>;
  runWith(env: Record<string, string>, ...argv: string[]): Promise<CliRun>;
  tx(ref: string): TxRow | undefined;
  ledger(): LedgerRow[];
  payCalls(): Promise<PayCall[]>;
}

/** A fresh temp directory per test: the bot's database and the simulator's file live there. */
export function cliSandbox(): CliSandbox {
  const dir = mkdtempSync(join(tmpdir(), "loket-cli-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, "loket.db");
  const simulatorPath = join(dir, "simulator.db");
  const clock = fakeClock();
  const env = { DATABASE_PATH: dbPath, LOG_LEVEL: "silent" };

  async function runWith(extraEnv: Record<string, string>, ...argv: string[]): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const code = await main(
      argv,
      { ...env, ...extraEnv },
      { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
      { now: clock.now },
    );
    return {
      code,
      stdout,
      stderr,
      json() {
        const lines = stdout.split("\n").filter((l) => l !== "");
        if (lines.length !== 1) throw new Error(`expected one line of JSON on stdout, got: ${stdout}`);
        const value: unknown = JSON.parse(lines[0] ?? "");
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`not a JSON object: ${stdout}`);
        return value as Record<string, unknown>;
      },
    };
  }

  function read<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(dbPath, { fileMustExist: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  return {
    dir,
    dbPath,
    simulatorPath,
    clock,
    env,
    runWith,
    run: (...argv) => runWith({}, ...argv),
    tx: (ref) => read((db) => db.prepare<[string], TxRow>("SELECT * FROM transactions WHERE ref = ?").get(ref)),
    ledger: () => read((db) => db.prepare<[], LedgerRow>("SELECT * FROM ledger ORDER BY id").all()),
    async payCalls() {
      // The simulator's own records, read back through its public API on the same file.
      const sim = await startSimulator({ dbPath: simulatorPath, now: clock.now });
      try {
        return sim.payCalls();
      } finally {
        await sim.close();
      }
    },
  };
}

/** The ref of a successful `inquire --json`. */
export async function inquireOk(sb: CliSandbox, ...argv: string[]): Promise<string> {
  const res = await sb.run("inquire", ...argv, "--json");
  const out = res.json();
  if (res.code !== 0 || out["status"] !== "success" || typeof out["ref"] !== "string") {
    throw new Error(`inquiry did not succeed: ${res.stdout} ${res.stderr}`);
  }
  return out["ref"];
}
