import { ConfigError } from "../config.ts";
import { parseArgs, type FlagSpec, type ParsedArgs } from "./args.ts";
import { BACKUP_FLAGS, BACKUP_USAGE, runBackup } from "./backup.ts";
import type { CliContext, CliIo, CliOptions } from "./context.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./errors.ts";
import { GATEWAY_FLAGS, GATEWAY_USAGE, runGateway } from "./gateway.ts";
import { INQUIRE_FLAGS, INQUIRE_USAGE, runInquire } from "./inquire.ts";
import { PAY_FLAGS, PAY_USAGE, runPay } from "./pay.ts";
import { runStatus, STATUS_FLAGS, STATUS_USAGE } from "./status.ts";

export type { CliIo, CliOptions, Writer } from "./context.ts";

interface Command {
  flags: FlagSpec;
  usage: string;
  summary: string;
  run(ctx: CliContext, args: ParsedArgs): Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  inquire: { flags: INQUIRE_FLAGS, usage: INQUIRE_USAGE, summary: "check a bill for the operator's own account", run: runInquire },
  pay: { flags: PAY_FLAGS, usage: PAY_USAGE, summary: "pay an inquiry made with `inquire` (from the provider deposit)", run: runPay },
  status: { flags: STATUS_FLAGS, usage: STATUS_USAGE, summary: "show a transaction; a pending one is asked about once", run: runStatus },
  backup: { flags: BACKUP_FLAGS, usage: BACKUP_USAGE, summary: "copy DATABASE_PATH with SQLite's online backup", run: runBackup },
  gateway: { flags: GATEWAY_FLAGS, usage: GATEWAY_USAGE, summary: "gateway simulator: the payer pays an order now", run: runGateway },
};

export const USAGE = [
  "Loket operator CLI — npm run cli -- <command> …",
  "",
  ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(52)} ${c.summary}`),
  "",
  "Products: bpjs-kesehatan, bpjs-ketenagakerjaan (--months 1–12, default 1), bpjs-denda (no months).",
  "Configuration: the bot's own environment and .env (DATABASE_PATH, PROVIDERS, IAK_*, ESPAY_*, LOG_LEVEL=warn).",
  "With --json, stdout carries exactly one JSON object. Exit: 0 ran, 2 usage or refused, 1 configuration or error.",
  "",
].join("\n");

/**
 * The operator CLI, runnable in-process: parses argv, reads the configuration from `env`, writes to
 * `io`, and returns the exit code instead of exiting.
 */
export async function main(argv: readonly string[], env: Record<string, string | undefined>, io: CliIo, options: CliOptions = {}): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  // --json is honoured even for a request too broken to parse, so a script always gets its object.
  const json = rest.includes("--json");
  const fail = (code: number, kind: string, message: string): number => {
    io.stderr.write(`${message}\n`);
    if (json) io.stdout.write(`${JSON.stringify({ error: { kind, message } })}\n`);
    return code;
  };
  const command = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    if (name === undefined) io.stderr.write(USAGE);
    return fail(EXIT_USAGE, "usage", name === undefined ? "a command is needed" : `unknown command "${name}"; try: help`);
  }
  try {
    const args = parseArgs(rest, command.flags);
    if (args.booleans.has("help")) {
      io.stdout.write(`usage: ${command.usage}\n${command.summary}\n`);
      return EXIT_OK;
    }
    return await command.run({ env, io, options, json }, args);
  } catch (err) {
    if (err instanceof UsageError) return fail(EXIT_USAGE, "usage", err.message);
    if (err instanceof ConfigError) return fail(EXIT_FAILURE, "config", err.message);
    const message = err instanceof Error ? err.message : String(err);
    return fail(EXIT_FAILURE, "internal", `Unexpected error: ${message}`);
  }
}
