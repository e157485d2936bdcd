import { mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createApp } from "./app.ts";
import { ConfigError, loadEnv, parseConfig } from "./config.ts";
import { startConfiguredGateway } from "./gateway/configured-gateway.ts";
import { createLogger, fileDestination } from "./logger.ts";
import { startWhatsapp } from "./transports/whatsapp/start-whatsapp.ts";
import { startWhatsappCloud } from "./transports/whatsapp-cloud/start-whatsapp-cloud.ts";
import { startTelegram } from "./transports/telegram/start-telegram.ts";
import { createConsoleBroadcastChannel, createConsoleSender, runConsoleChat } from "./transports/console/console-chat.ts";

/** Composition root: config → database → providers → engine → transports, and one shutdown. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(loadEnv());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  // In the console chat the terminal belongs to the conversation; logs go to a file beside the database.
  let log;
  if (config.console) {
    const logPath = config.databasePath === ":memory:" ? "./data/loket.log" : resolve(dirname(config.databasePath), "loket.log");
    mkdirSync(dirname(logPath), { recursive: true });
    log = createLogger(config.logLevel, fileDestination(openSync(logPath, "a")));
  } else {
    log = createLogger(config.logLevel);
  }

  // Every state that matters is in SQLite, so a crash is safe; silently half-working is not.
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled rejection"));
  process.on("uncaughtException", (err) => {
    log.fatal({ err }, "uncaught exception; exiting (state is durable, a restart resumes)");
    process.exit(1);
  });
  const app = await createApp(config, { log, gateway: await startConfiguredGateway(config, log) });
  const transports: { stop(): Promise<void> }[] = [];
  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    log.info("shutting down");
    for (const t of transports) await t.stop();
    await app.close();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  // Recovery first: a stored update handled before it would find a fresh payment and take it for a crashed one.
  await app.recover();
  // WhatsApp connects in the background; the rest of the bot works while it is down.
  // WHATSAPP_MODE=cloud: Meta's Cloud API (a webhook on PORT) instead of Baileys.
  if (config.whatsappCloud) transports.push(await startWhatsappCloud(app.ports));
  else if (config.whatsapp.enabled) transports.push(await startWhatsapp(app.ports));
  if (config.telegram) transports.push(await startTelegram(app.ports));
  // One HTTP server on PORT for whatever mounted on it (webhooks, gateway notifications, dashboard).
  if (app.http.hasRoutes()) {
    try {
      log.info({ port: (await app.http.listen()).port }, "HTTP server listening");
    } catch (err) {
      // The dashboard is on by default: a PORT already taken (another bot, another program) gets a plain answer.
      process.stderr.write(
        `Cannot listen on PORT ${config.http.port} (${(err as { code?: string }).code ?? String(err)}): set PORT to a free port, or DASHBOARD=false if nothing else needs the HTTP server.\n`,
      );
      await shutdown(1);
      return;
    }
  }

  if (config.console) {
    app.delivery.registerSender("console", createConsoleSender(process.stdout));
    app.delivery.registerBroadcastChannel("console", createConsoleBroadcastChannel(process.stdout));
    app.start();
    if (process.stdin.isTTY) {
      process.stdout.write("Loket — console chat. Type a message, a number from a menu, or /bantuan. Ctrl+D to quit.\n");
    }
    await runConsoleChat({
      engine: app.engine,
      flush: () => app.delivery.flush(),
      input: process.stdin,
      output: process.stdout,
      now: app.arrivalClock,
      // A piped script ends before pending payments settle; give the reconciler a moment.
      settle: () => app.engine.idle(),
    });
    await shutdown(0);
    return;
  }
  app.start();
  log.info({ providers: config.providers }, "loket started");
}

await main();
