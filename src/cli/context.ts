import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import { createApp, type App } from "../app.ts";
import { parseConfig, type Config } from "../config.ts";
import { createLogger } from "../logger.ts";

/** Where the CLI writes: process.stdout/stderr in real use, string collectors in tests. */
export interface Writer {
  write(chunk: string): unknown;
}

export interface CliIo {
  stdout: Writer;
  stderr: Writer;
}

/** Test seams; in real use every one is left at its default. */
export interface CliOptions {
  now?: () => number;
  /** How long the in-process simulator keeps a payment pending. */
  simulatorSettleMs?: number;
  providerTimeoutMs?: number;
  dispatcher?: Dispatcher;
}

export interface CliContext {
  env: Record<string, string | undefined>;
  io: CliIo;
  options: CliOptions;
  json: boolean;
}

/** The bot's own configuration, so the CLI talks to the same providers and the same database. */
export function loadConfig(ctx: CliContext): Config {
  return parseConfig(ctx.env);
}

/**
 * Logs go to stderr, leaving stdout to the result. The CLI is quiet by default (warn): an operator
 * running one command wants its answer, not the app's start-up chatter.
 */
export function cliLogger(ctx: CliContext, config: Config): Logger {
  const level = (ctx.env["LOG_LEVEL"] ?? "").trim() === "" ? "warn" : config.logLevel;
  return createLogger(level, {
    write: (line: string) => {
      ctx.io.stderr.write(line);
    },
  });
}

/**
 * The app core (database, providers, the in-process simulator when configured, payments), and
 * nothing that runs by itself: no transports, no reconciler loop, no console.
 */
export async function openApp(ctx: CliContext, config: Config): Promise<App> {
  const { now, simulatorSettleMs, providerTimeoutMs, dispatcher } = ctx.options;
  const app = await createApp(config, {
    log: cliLogger(ctx, config),
    ...(now !== undefined && { now }),
    ...(simulatorSettleMs !== undefined && { simulatorSettleMs }),
    ...(providerTimeoutMs !== undefined && { providerTimeoutMs }),
    ...(dispatcher !== undefined && { dispatcher }),
  });
  // The outbox is shared with a bot that may be running. This process has no chat senders, so
  // draining it here would only push the bot's queued messages back ("no sender") by a minute
  // each. Stopped, the notices our own commands enqueue wait for the bot to send them.
  await app.outbox.stop();
  return app;
}

export async function withApp<T>(ctx: CliContext, config: Config, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp(ctx, config);
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
