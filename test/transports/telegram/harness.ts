import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setupApp, type FakeClock, type Harness } from "../../helpers/app-harness.ts";
import { startFakeTelegram, parseTelegramHtml, type FakeTelegram, type FakeUser, type RecordedCall } from "../../fakes/telegram-api.ts";
import { startTelegram, type StartTelegramDeps, type TelegramTransport } from "../../../src/transports/telegram/start-telegram.ts";
import type { PaymentGateway } from "../../../src/gateway/port.ts";

export const SAFE_TAGS: ReadonlySet<string> = new Set(["b", "i", "code"]);

/** A whole app on SQLite and the simulator, its Telegram transport, and the fake Bot API it talks to. */
export interface TelegramHarness {
  h: Harness;
  fake: FakeTelegram;
  transport: TelegramTransport;
  clock: FakeClock;
  /** Stops the transport and starts a fresh one on the same app (a process restart, minus the app). */
  restartTransport(deps?: StartTelegramDeps): Promise<TelegramTransport>;
  /** Waits until the transport has handled this update and sent what it caused. */
  handled(updateId: number): Promise<void>;
  user(id: number, extra?: Omit<FakeUser, "id">): TelegramPayer;
  /** Stops the transport and closes the app (the fake keeps running unless closeFake). */
  close(opts?: { closeFake?: boolean }): Promise<void>;
}

export interface TelegramPayer {
  user: FakeUser;
  /** Types a message; resolves with the visible text of what the bot sent or edited in reply. */
  say(text: string): Promise<string>;
  /** Taps the newest button whose choice id starts with `prefix`. */
  tap(prefix: string): Promise<string>;
  /** Bot messages in this chat as shown now (edits applied). */
  screen(): string[];
  lastText(): string;
}

export interface TelegramHarnessOptions {
  env?: Record<string, string>;
  deps?: StartTelegramDeps;
  fake?: FakeTelegram;
  clock?: FakeClock;
  databasePath?: string;
  simulatorDbPath?: string;
  /** Gateway top-ups on, over this gateway. */
  gateway?: PaymentGateway;
}

/**
 * Every text the bot sent or edited must parse as Telegram HTML using only <b>, <i> and <code>
 * (the engine's subset); returns the problems found.
 */
export function htmlProblems(calls: readonly RecordedCall[]): string[] {
  const problems: string[] = [];
  for (const c of calls) {
    if (c.method === "sendPhoto") {
      if (c.payload.caption === undefined) continue;
      const caption = c.payload.parse_mode === "HTML" ? parseTelegramHtml(String(c.payload.caption), SAFE_TAGS) : { ok: true as const };
      if (!caption.ok) problems.push(`sendPhoto #${c.seq}: ${caption.error} in ${String(c.payload.caption)}`);
      continue;
    }
    if (c.method !== "sendMessage" && c.method !== "editMessageText") continue;
    if (c.payload.parse_mode !== "HTML") {
      problems.push(`${c.method} #${c.seq} without parse_mode HTML: ${String(c.payload.text)}`);
      continue;
    }
    const parsed = parseTelegramHtml(String(c.payload.text), SAFE_TAGS);
    if (!parsed.ok) problems.push(`${c.method} #${c.seq}: ${parsed.error} in ${String(c.payload.text)}`);
  }
  return problems;
}

/** Visible text of the bot's sends and edits to a chat among these calls. */
export function outgoingText(calls: readonly RecordedCall[], chatId: number): string {
  return calls
    .filter((c) => ["sendMessage", "editMessageText", "sendPhoto"].includes(c.method) && c.status === "ok" && Number(c.payload.chat_id) === chatId)
    .map((c) => {
      const html = String(c.method === "sendPhoto" ? (c.payload.caption ?? "") : c.payload.text);
      const parsed = c.payload.parse_mode === "HTML" ? parseTelegramHtml(html) : null;
      return parsed?.ok === true ? parsed.text : html;
    })
    .join("\n---\n");
}

export async function startTelegramHarness(opts: TelegramHarnessOptions = {}): Promise<TelegramHarness> {
  const fake = opts.fake ?? (await startFakeTelegram());
  const h = await setupApp(
    {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      CONSOLE: "false",
      ...opts.env,
    },
    {
      ...(opts.clock === undefined ? {} : { clock: opts.clock }),
      ...(opts.databasePath === undefined ? {} : { databasePath: opts.databasePath }),
      ...(opts.simulatorDbPath === undefined ? {} : { simulatorDbPath: opts.simulatorDbPath }),
      ...(opts.gateway === undefined ? {} : { gateway: opts.gateway }),
    },
  );
  const processed = new Set<number>();
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const start = (deps: StartTelegramDeps | undefined) =>
    startTelegram(h.app.ports, {
      pollTimeoutSeconds: 5,
      retry: { baseDelayMs: 1, retryAfterUnitMs: 5 },
      ...deps,
      onProcessed: (id) => {
        processed.add(id);
        events.emit("processed", id);
        deps?.onProcessed?.(id);
      },
    });
  let transport = await start(opts.deps);

  async function handled(updateId: number): Promise<void> {
    if (!processed.has(updateId)) {
      await new Promise<void>((resolve) => {
        const on = (id: number) => {
          if (id !== updateId) return;
          events.off("processed", on);
          resolve();
        };
        events.on("processed", on);
      });
    }
    await harness.transport.idle();
  }

  function user(id: number, extra: Omit<FakeUser, "id"> = {}): TelegramPayer {
    const u: FakeUser = { id, first_name: "Payer", ...extra };
    const after = async (updateId: number, from: number) => {
      await handled(updateId);
      return outgoingText(fake.calls.slice(from), id);
    };
    return {
      user: u,
      say: (text) => {
        const from = fake.calls.length;
        return after(fake.sendText(u, text), from);
      },
      tap: (prefix) => {
        const from = fake.calls.length;
        return after(fake.tapChoice(u, prefix).updateId, from);
      },
      screen: () => fake.botMessages(id).map((m) => m.text),
      lastText: () => fake.botMessages(id).at(-1)?.text ?? "",
    };
  }

  let closed = false;
  const harness: TelegramHarness = {
    h,
    fake,
    transport,
    clock: h.clock,
    async restartTransport(deps = opts.deps) {
      await transport.stop();
      transport = await start(deps);
      harness.transport = transport;
      return transport;
    },
    handled,
    user,
    async close(o = {}) {
      // Idempotent: a test may close early (to close its own fake after), and the fixture closes again.
      if (closed) return;
      closed = true;
      await transport.stop();
      // A guard for every test: nothing the bot sent may have broken Telegram's HTML parser.
      const problems = htmlProblems(fake.calls);
      if (problems.length > 0) {
        await h.close();
        throw new Error(`ill-formed HTML sent:\n${problems.join("\n")}`);
      }
      await h.close();
      if (o.closeFake !== false && opts.fake === undefined) await fake.close();
    },
  };
  return harness;
}

export function tempDir(): { dir: string; db: string; simDb: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "loket-tg-"));
  return { dir, db: join(dir, "loket.db"), simDb: join(dir, "simulator.db"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
