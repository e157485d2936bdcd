import { AsyncLocalStorage } from "node:async_hooks";
import type { Transformer } from "grammy";

/** Who is waiting: a payer in a conversation goes before a broadcast recipient (docs/delivery.md#telegram-limits). */
export type TrafficPriority = "payer" | "broadcast";

export interface TelegramApiLimiter {
  /** Runs `fn` once a slot is free: at most `ratePerSecond` starts in any second, payers first. */
  schedule<T>(priority: TrafficPriority, fn: () => Promise<T>): Promise<T>;
  /** Starts nothing for `ms` (Telegram's 429 `retry_after`). */
  pauseFor(ms: number): void;
  /** Calls waiting for a slot, by priority. */
  waiting(): { payer: number; broadcast: number };
  /** Resolves when nothing is waiting. */
  idle(): Promise<void>;
}

export interface TelegramApiLimiterOptions {
  ratePerSecond: number;
  /** Monotonic milliseconds; real time by default, since the limiter paces real HTTP calls. */
  now?: () => number;
  windowMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

interface Waiter {
  run: () => void;
}

/**
 * One limiter for every outgoing Telegram call (docs/delivery.md#telegram-limits). A sliding window of the last
 * `ratePerSecond` start times allows exactly that many starts per window, bursts included, which
 * stays under Telegram's ~30 messages per second without smoothing a payer's reply into a queue.
 */
export function createTelegramApiLimiter(options: TelegramApiLimiterOptions): TelegramApiLimiter {
  const rate = Math.max(1, Math.floor(options.ratePerSecond));
  const windowMs = options.windowMs ?? 1000;
  const now = options.now ?? (() => performance.now());
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout));
  const queues: Record<TrafficPriority, Waiter[]> = { payer: [], broadcast: [] };
  // Start times of the last `rate` calls, oldest first.
  const starts: number[] = [];
  let pausedUntil = 0;
  let timer: unknown = null;
  let idleWaiters: (() => void)[] = [];

  function nextWaiter(): Waiter | undefined {
    return queues.payer.shift() ?? queues.broadcast.shift();
  }

  function pump(): void {
    if (timer !== null) {
      clearTimer(timer);
      timer = null;
    }
    for (;;) {
      if (queues.payer.length === 0 && queues.broadcast.length === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
        return;
      }
      const t = now();
      while (starts.length > 0 && t - starts[0]! >= windowMs) starts.shift();
      const freeAt = Math.max(pausedUntil, starts.length < rate ? t : starts[0]! + windowMs);
      if (freeAt > t) {
        timer = setTimer(
          () => {
            timer = null;
            pump();
          },
          Math.ceil(freeAt - t),
        );
        return;
      }
      starts.push(t);
      nextWaiter()!.run();
    }
  }

  return {
    schedule<T>(priority: TrafficPriority, fn: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queues[priority].push({
          run: () => {
            // fn runs outside pump's loop turn, so a synchronous throw cannot break the queue.
            void Promise.resolve().then(fn).then(resolve, reject);
          },
        });
        pump();
      });
    },
    pauseFor(ms: number): void {
      if (!(ms > 0)) return;
      pausedUntil = Math.max(pausedUntil, now() + ms);
      pump();
    },
    waiting: () => ({ payer: queues.payer.length, broadcast: queues.broadcast.length }),
    idle(): Promise<void> {
      if (queues.payer.length === 0 && queues.broadcast.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

const priorityScope = new AsyncLocalStorage<TrafficPriority>();

/**
 * Runs `fn` so that every Telegram call it makes through the bot's API waits as `priority`
 * (broadcast work wraps its sends in `withPriority("broadcast", …)`); the default is "payer".
 */
export function withPriority<T>(priority: TrafficPriority, fn: () => Promise<T>): Promise<T> {
  return priorityScope.run(priority, fn);
}

export function currentPriority(): TrafficPriority {
  return priorityScope.getStore() ?? "payer";
}

/**
 * A grammY API transformer that sends each HTTP call through the limiter. getUpdates is exempt:
 * it is how updates arrive, not a message Telegram counts, and holding it back during a 429 pause
 * would only delay storing what payers sent.
 */
export function limiterTransformer(limiter: TelegramApiLimiter): Transformer {
  return (prev, method, payload, signal) => {
    if (method === "getUpdates") return prev(method, payload, signal);
    return limiter.schedule(currentPriority(), () => prev(method, payload, signal));
  };
}
