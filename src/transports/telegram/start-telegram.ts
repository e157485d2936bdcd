import { backoffMs } from "../../shared/backoff.ts";
import { Api, Bot, type ApiClientOptions } from "grammy";
import { createBotApiDispatcher, createBotApiFetch, jsonCallsTransformer } from "./bot-api-http.ts";
import type { CallbackQuery, Update, User } from "grammy/types";
import type { Logger } from "pino";
import type { TransportPorts } from "../../app.ts";
import type { BroadcastChannel } from "../../admin/broadcast/channel.ts";
import type { MessageSender } from "../../domain/delivery/message-sender.ts";
import { localeOr, type Locale } from "../../i18n.ts";
import { createFloodControl, type FloodControl } from "./flood-control.ts";
import { registerBotCommands } from "./bot-commands.ts";
import { createTelegramBroadcastChannel } from "./broadcast-channel.ts";
import { floodControlTransformer, type CappedRetryOptions } from "./capped-retry.ts";
import type { InboxRow } from "../../db/telegram-inbox-repo.ts";
import { startReceiving, type Receiving } from "./receive.ts";
import { plainText } from "./render.ts";
import { createTelegramSender } from "./sender.ts";
import { blockedFlagOf, callbackToEvent, chatKeyOf, messageToEvent, parseUpdateJson } from "./updates.ts";
import { createUpdateWorker } from "./update-worker.ts";
import { drainTransport } from "../drain.ts";

export interface StartTelegramDeps {
  /** The flood control (tests inject one with a manual clock); one is made from the config otherwise. */
  flood?: FloodControl;
  retry?: Partial<CappedRetryOptions>;
  /** Long-poll timeout in seconds; default 30. */
  pollTimeoutSeconds?: number;
  pollBackoff?: { firstMs: number; maxMs: number };
  /** false: receive and store updates but do not handle them (crash tests). Default true. */
  processUpdates?: boolean;
  /** Called after each stored update was handled (or set aside). */
  onProcessed?: (updateId: number) => void;
  log?: Logger;
  /** Wait before the next getMe at start-up; default startupRetryDelayMs (tests pass 0). */
  initRetryDelayMs?: (attempt: number) => number;
  /** How start-up waits between getMe attempts; tests record the waits instead of sleeping. */
  initSleep?: (ms: number) => Promise<void>;
}

/** Back-off between start-up attempts to reach Telegram: 1 s, doubling, at most 60 s. */
export function startupRetryDelayMs(attempt: number): number {
  return backoffMs(attempt - 1, { firstMs: 1_000, capMs: 60_000 });
}

export interface TelegramTransport {
  mode: "polling" | "webhook";
  /** The port the webhook server listens on (webhook mode only). */
  webhookPort: number | null;
  botUsername: string;
  /** What every Telegram call passes (docs/delivery.md#telegram-limits). */
  flood: FloodControl;
  /** The outbox's Telegram sender: payer priority. */
  sender: MessageSender;
  /** The broadcast channel: the same sender at broadcast priority. */
  broadcastChannel: BroadcastChannel;
  /** Resolves when stored updates are handled and the outbox has sent what is due. */
  idle(): Promise<void>;
  /** Stops receiving, finishes updates in flight and drains the outbox. */
  stop(): Promise<void>;
}

/**
 * The Telegram transport (docs/architecture.md): grammY for the Bot API, our own inbox between
 * receiving and handling (its processed rows are pruned with the engine's message ids,
 * db/dedup-retention.ts), the outbox's Telegram sender and the broadcast channel.
 */
export async function startTelegram(app: TransportPorts, deps: StartTelegramDeps = {}): Promise<TelegramTransport> {
  const config = app.config.telegram;
  if (config === null) throw new Error("startTelegram needs TELEGRAM_BOT_TOKEN");
  const log = deps.log ?? app.log.child({ transport: "telegram" });
  const pollTimeout = deps.pollTimeoutSeconds ?? 30;
  const flood = deps.flood ?? createFloodControl({ broadcastRatePerSecond: app.config.broadcast.telegramRate });

  const dispatcher = createBotApiDispatcher();
  const timeoutSeconds = Math.max(60, pollTimeout + 20);
  const clientOptions: ApiClientOptions = {
    apiRoot: config.apiRoot,
    timeoutSeconds,
    // grammY types its fetch as node-fetch's; it reads only the JSON body (bot-api-http.ts).
    fetch: createBotApiFetch(dispatcher) as unknown as NonNullable<ApiClientOptions["fetch"]>,
  };
  const jsonCalls = jsonCallsTransformer({ apiRoot: config.apiRoot, token: config.token, dispatcher, timeoutSeconds });
  const bot = new Bot(config.token, { client: clientOptions });
  bot.api.config.use(jsonCalls, floodControlTransformer(flood, "payer", deps.retry));
  // Broadcasts go through an Api of their own, so their calls are paced as broadcasts.
  const broadcastApi = new Api(config.token, clientOptions);
  broadcastApi.config.use(jsonCalls, floodControlTransformer(flood, "broadcast", deps.retry));
  // Telegram unreachable at start (network down, API outage) must not take the bot down with it:
  // keep trying, loudly, while the console, WhatsApp and the reconciler go on. One getMe request per
  // attempt and one warning per failed one: not bot.init(), which retries 5xx and network errors on
  // its own, silently and from 50 ms; and the capped-retry transformer leaves getMe to this loop.
  const initSleep = deps.initSleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  for (let attempt = 1; ; attempt++) {
    try {
      bot.botInfo = await bot.api.getMe();
      break;
    } catch (err) {
      if (isUnauthorized(err)) throw err; // a wrong token will not get better by waiting
      const delayMs = deps.initRetryDelayMs?.(attempt) ?? startupRetryDelayMs(attempt);
      // The API root, never the token: the request URL carries it, the logger scrubs it from err.
      log.warn({ err, apiRoot: config.apiRoot, attempt, retryInMs: delayMs }, "Telegram cannot be reached (getMe failed); trying again");
      await initSleep(delayMs);
    }
  }

  const sender = createTelegramSender({ api: bot.api, log });
  const broadcastChannel = createTelegramBroadcastChannel({
    sender: createTelegramSender({ api: broadcastApi, log }),
    inFlight: app.config.broadcast.inFlight,
  });
  app.delivery.registerSender("telegram", sender);
  app.delivery.registerBroadcastChannel("telegram", broadcastChannel);

  const localeOf = (from: User): Locale =>
    localeOr(app.repos.users.findByIdentity("telegram", String(from.id))?.locale ?? from.language_code, app.config.defaultLocale);

  // Query ids answered (or being answered), so each spinner is stopped once.
  const answered = new Set<string>();
  const answerOnce = async (query: CallbackQuery): Promise<void> => {
    if (answered.has(query.id)) return;
    answered.add(query.id);
    // Data that is not ours gets a polite word and nothing else; the engine judges everything else.
    const forged = callbackToEvent(query).kind === "forged";
    try {
      await bot.api.answerCallbackQuery(query.id, forged ? { text: plainText(app.t(localeOf(query.from), "telegram.callback_refused")) } : {});
    } catch (err) {
      // Too old (e.g. handled again after a restart): the payer's spinner has long stopped.
      log.debug({ err }, "answerCallbackQuery failed");
    }
  };

  bot.on("callback_query", async (ctx) => {
    const query = ctx.callbackQuery;
    try {
      // Answered before the engine runs: an inquiry or a payment can take seconds.
      await answerOnce(query);
      const route = callbackToEvent(query);
      if (route.kind === "forged") {
        log.warn({ updateId: ctx.update.update_id, userId: query.from.id }, "refused callback data");
        return;
      }
      await app.engine.handle(route.event);
    } finally {
      answered.delete(query.id);
    }
  });
  // When each stored update arrived: a typed choice is judged against the menu on screen then.
  const arrivals = new Map<number, number>();
  bot.on("message", async (ctx) => {
    const event = messageToEvent(ctx.message);
    const receivedAt = arrivals.get(ctx.update.update_id);
    if (event !== null) await app.engine.handle(receivedAt === undefined ? event : { ...event, receivedAt });
  });
  bot.on("my_chat_member", (ctx) => {
    const change = ctx.myChatMember;
    if (change.chat.type !== "private") return;
    const blocked = blockedFlagOf(change.new_chat_member.status);
    const user = app.repos.users.findByIdentity("telegram", String(change.from.id));
    if (blocked !== null && user) app.repos.users.setBlocked(user.id, blocked);
  });

  const inbox = app.repos.telegramInbox;

  const worker = createUpdateWorker({
    inbox,
    commit: (work) => app.commits.run(work),
    log,
    async process(row: InboxRow) {
      const update = parseUpdateJson(row.payload);
      if (update === null) {
        log.warn({ updateId: row.update_id }, "stored telegram update is unreadable; skipped");
        return;
      }
      arrivals.set(row.update_id, row.received_at);
      try {
        await bot.handleUpdate(update);
      } finally {
        arrivals.delete(row.update_id);
      }
    },
    ...(deps.onProcessed === undefined ? {} : { onProcessed: deps.onProcessed }),
  });
  const processUpdates = deps.processUpdates ?? true;
  const onStored = (updates: Update[], rows: InboxRow[]): void => {
    if (!processUpdates) return;
    const earlier = new Set<string>();
    for (const update of updates) {
      const key = chatKeyOf(update);
      if (key === null) continue;
      // A tap in a chat still busy with an earlier update (a payment in flight) would wait behind
      // it with its spinner turning: answer it now. In an idle chat the handler answers it first.
      if (update.callback_query !== undefined && (earlier.has(key) || worker.isBusy(key))) void answerOnce(update.callback_query);
      earlier.add(key);
    }
    worker.add(rows);
  };
  // Whatever a previous run stored but did not finish goes first (per chat, before anything new).
  if (processUpdates) worker.kick();

  let receiving: Receiving;
  try {
    await registerBotCommands(bot.api, app.t, log);
    receiving = await startReceiving({
      api: bot.api,
      inbox,
      onStored,
      log,
      now: app.arrivalClock,
      webhook: config.webhookUrl === undefined ? null : { url: config.webhookUrl, secret: config.webhookSecret, http: app.http },
      pollTimeoutSeconds: pollTimeout,
      ...(deps.pollBackoff === undefined ? {} : { pollBackoff: deps.pollBackoff }),
    });
  } catch (err) {
    await worker.stop();
    throw err;
  }
  log.info({ bot: bot.botInfo.username, mode: receiving.mode, port: receiving.webhookPort }, "telegram transport started");

  let stopping: Promise<void> | null = null;
  return {
    mode: receiving.mode,
    webhookPort: receiving.webhookPort,
    botUsername: bot.botInfo.username,
    flood,
    sender,
    broadcastChannel,
    async idle() {
      if (processUpdates) await worker.idle();
      await drainTransport(app, flood);
    },
    stop() {
      stopping ??= (async () => {
        await receiving.stop();
        await worker.stop();
        await drainTransport(app, flood);
        log.info("telegram transport stopped");
      })();
      return stopping;
    },
  };
}

function isUnauthorized(err: unknown): boolean {
  return (err as { error_code?: unknown } | null)?.error_code === 401 || (err as { error_code?: unknown } | null)?.error_code === 404;
}
