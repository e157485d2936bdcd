import { backoffMs } from "../../shared/backoff.ts";
import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import type { InboxRow, TelegramInbox } from "../../db/telegram-inbox-repo.ts";
import { ALLOWED_UPDATES, chatKeyOf } from "./updates.ts";

type GrammySignal = Parameters<Api["getUpdates"]>[1];

export interface PollerOptions {
  api: Api;
  inbox: TelegramInbox;
  /** Told after a batch is stored, so the worker starts on it. */
  onStored: (updates: Update[], rows: InboxRow[]) => void;
  log: Logger;
  now?: () => number;
  /** Long-poll timeout in seconds (Telegram holds the request this long when there is nothing). */
  timeoutSeconds?: number;
  /** Back-off after a failed getUpdates: first delay and cap, in ms. */
  backoff?: { firstMs: number; maxMs: number };
}

/**
 * Long polling with the inbox in between (docs/delivery.md#inbound): a batch is stored in SQLite first, and
 * only the next getUpdates, with offset = last update_id + 1, tells Telegram we have it. A crash
 * after storing re-fetches the batch on start-up, which the inbox ignores as duplicates.
 *
 * The first call of a run carries no offset on purpose: Telegram returns what is still unconfirmed.
 * A persisted offset would be wrong after Telegram restarts its numbering (it may, after a week
 * without updates).
 */
export function createPoller(options: PollerOptions) {
  const { api, inbox, log } = options;
  const now = options.now ?? Date.now;
  const timeout = options.timeoutSeconds ?? 30;
  const backoff = options.backoff ?? { firstMs: 1_000, maxMs: 30_000 };
  let offset: number | undefined;
  let controller: AbortController | null = null;
  let loop: Promise<void> | null = null;
  let stopped = false;

  function store(updates: Update[]): InboxRow[] {
    return inbox.store(
      updates.map((u) => ({ updateId: u.update_id, chatKey: chatKeyOf(u), payload: JSON.stringify(u) })),
      now(),
    );
  }

  async function pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      controller?.signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      controller = new AbortController();
      let updates: Update[];
      try {
        updates = await api.getUpdates(
          { ...(offset === undefined ? {} : { offset }), timeout, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types its signal with the abort-controller polyfill; Node's own is what it gets at run time.
          controller.signal as GrammySignal,
        );
      } catch (err) {
        if (stopped) break;
        failures++;
        const delay = backoffMs(failures - 1, { firstMs: backoff.firstMs, capMs: backoff.maxMs });
        log.warn({ err, delayMs: delay }, "getUpdates failed; retrying");
        await pause(delay);
        continue;
      }
      failures = 0;
      if (updates.length === 0) continue;
      let rows: InboxRow[];
      try {
        rows = store(updates);
      } catch (err) {
        // Not stored means not confirmed: keep the offset, so Telegram delivers the batch again.
        log.error({ err }, "could not store telegram updates; fetching them again");
        await pause(backoff.firstMs);
        continue;
      }
      offset = Math.max(...updates.map((u) => u.update_id)) + 1;
      options.onStored(updates, rows);
    }
  }

  return {
    start(): void {
      if (loop) return;
      stopped = false;
      loop = run().catch((err: unknown) => log.error({ err }, "telegram polling stopped"));
    },
    /** Ends the loop, aborting a long poll in flight. */
    async stop(): Promise<void> {
      stopped = true;
      controller?.abort();
      await loop;
      loop = null;
    },
  };
}
export type Poller = ReturnType<typeof createPoller>;
