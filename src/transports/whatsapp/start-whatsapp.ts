import type { Logger } from "pino";
import type { TransportPorts } from "../../app.ts";
import type { InboundEvent } from "../../domain/messages.ts";
import { localeOr } from "../../i18n.ts";
import { importMultiFileAuthFolder } from "./auth-import.ts";
import { createAuthStore } from "./auth-state.ts";
import { createWhatsappBroadcastChannel } from "./broadcast-channel.ts";
import { baileysSocketFactory } from "./baileys-socket.ts";
import { createWhatsappConnection, type Scheduler, type WhatsappConnection } from "./connection.ts";
import { inboundFromUpsert } from "./inbound.ts";
import { normalizePersonJid } from "./jid.ts";
import { createLoginPrompt } from "./login-prompt.ts";
import { createWhatsappSender } from "./sender.ts";
import type { MakeSocket } from "./socket.ts";

export interface StartWhatsappDeps {
  /** Creates the socket; Baileys' makeWASocket by default, a fake in tests. */
  makeSocket?: MakeSocket;
  /** Where the QR and pairing code go; stdout by default. */
  print?: (text: string) => void;
  scheduler?: Scheduler;
  random?: () => number;
  /** A Baileys multi-file auth folder to move into SQLite once, when the database has no session. */
  importAuthFolder?: string;
  /** The broadcast pacing pause (tests pass one that does not sleep). */
  broadcastSleep?: (ms: number) => Promise<void>;
}

export interface WhatsappTransport {
  stop(): Promise<void>;
  /** Resolves when every message received so far has been handled by the engine (tests, shutdown). */
  idle(): Promise<void>;
  connection: WhatsappConnection;
}

/** Baileys is chatty at info; it speaks from warn up unless our own level is stricter. */
function baileysLogger(log: Logger): Logger {
  const warn = log.levels.values.warn ?? 40;
  const level = log.levelVal > warn ? log.level : "warn";
  return log.child({ lib: "baileys" }, { level });
}

/**
 * The WhatsApp transport (docs/architecture.md#ports-what-a-transport-gets): connects in the background and returns at once, so the rest
 * of the bot runs whether or not WhatsApp is up. Inbound text goes to the engine; replies leave
 * through the outbox via `app.senders.whatsapp`, announcements via `app.broadcastChannels.whatsapp`.
 */
export async function startWhatsapp(app: TransportPorts, deps: StartWhatsappDeps = {}): Promise<WhatsappTransport> {
  const log = app.log.child({ transport: "whatsapp" });
  const auth = createAuthStore(app.repos.whatsappAuth);
  if (deps.importAuthFolder !== undefined) {
    const result = importMultiFileAuthFolder(app.repos.whatsappAuth, auth, deps.importAuthFolder);
    if (result !== null) log.info(result, "WhatsApp session imported from the multi-file auth folder");
  }
  const print = deps.print ?? ((text: string) => void process.stdout.write(text));
  const prompt = createLoginPrompt({ print, t: app.t, locale: app.config.defaultLocale });

  const inflight = new Set<Promise<void>>();
  const isAdmin = (jid: string) => app.isAdmin("whatsapp", jid);

  const connection = createWhatsappConnection({
    auth,
    makeSocket: deps.makeSocket ?? baileysSocketFactory(),
    log,
    socketLog: baileysLogger(log),
    prompt,
    pairingNumber: app.config.whatsapp.pairingNumber,
    ...(deps.scheduler === undefined ? {} : { scheduler: deps.scheduler }),
    ...(deps.random === undefined ? {} : { random: deps.random }),
    // Replies queued while WhatsApp was down wait for their retry time; look again now.
    onOpen: () => app.delivery.platformUp("whatsapp"),
    onMessages(upsert) {
      for (const result of inboundFromUpsert(upsert, { mapping: auth.lidMapping, isAdmin })) {
        if (result.kind === "ignored") {
          log.debug({ reason: result.reason, chat: result.chat }, "WhatsApp message ignored");
          continue;
        }
        // Started in arrival order: the engine queues each payer's events in call order.
        const task = handle(result.event);
        inflight.add(task);
        void task.finally(() => inflight.delete(task));
      }
    },
  });

  async function handle(event: InboundEvent): Promise<void> {
    // "typing…" while the engine works (an inquiry or a payment can take seconds); best effort.
    const presence = (type: "composing" | "paused") => {
      connection
        .openSocket()
        ?.sendPresenceUpdate(type, event.address)
        .catch((err: unknown) => log.debug({ err }, "WhatsApp presence update failed"));
    };
    presence("composing");
    try {
      await app.engine.handle(event);
    } catch (err) {
      log.error({ err, messageId: event.messageId }, "WhatsApp message could not be handled");
    } finally {
      presence("paused");
    }
  }

  app.delivery.registerSender(
    "whatsapp",
    createWhatsappSender({
      socket: () => connection.openSocket(),
      footer(address) {
        const jid = normalizePersonJid(address);
        const user = jid === null ? undefined : app.repos.users.findByIdentity("whatsapp", jid);
        return app.t(localeOr(user?.locale, app.config.defaultLocale), "whatsapp.reply_with_number");
      },
    }),
  );

  const pacing = app.config.broadcast;
  app.delivery.registerBroadcastChannel(
    "whatsapp",
    createWhatsappBroadcastChannel({
      socket: () => connection.openSocket(),
      minDelayMs: pacing.whatsappMinDelayMs,
      maxDelayMs: pacing.whatsappMaxDelayMs,
      dailyCap: pacing.whatsappDailyCap,
      ...(deps.broadcastSleep === undefined ? {} : { sleep: deps.broadcastSleep }),
      ...(deps.random === undefined ? {} : { random: deps.random }),
    }),
  );

  connection.start();
  log.info({ pairing: app.config.whatsapp.pairingNumber !== undefined ? "code" : "qr" }, "WhatsApp transport started");

  async function idle(): Promise<void> {
    while (inflight.size > 0) await Promise.all([...inflight]);
  }

  return {
    connection,
    idle,
    async stop() {
      await connection.stop();
      await idle();
    },
  };
}
