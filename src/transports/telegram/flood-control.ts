/** Who is waiting: a payer in a conversation, or a broadcast recipient (docs/delivery.md#telegram-limits). */
export type TrafficPriority = "payer" | "broadcast";

export interface FloodControlOptions {
  /** Messages a second broadcasts may use, counting payer messages too (TELEGRAM_BROADCAST_RATE). */
  broadcastRatePerSecond: number;
  /** Monotonic milliseconds; real time by default, since this paces real HTTP calls. */
  now?: () => number;
  windowMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface FloodControl {
  /** A payer's call: goes at once unless a 429 paused its chat or everything; a message is counted. */
  beforePayer(chat: string | undefined, isMessage: boolean): Promise<void>;
  /** A broadcast call: waits for what payer traffic leaves of the budget, and for any pause. */
  beforeBroadcast(chat: string | undefined, isMessage: boolean): Promise<void>;
  /** Telegram said 429 for this chat: pause that chat, or everything when several chats were refused at once. */
  on429(chat: string | undefined, retryAfterMs: number): "chat" | "all";
  /** Broadcast calls waiting for a slot. */
  waiting(): number;
  /** Counts since start: payer calls that had to wait (only ever for a 429 pause), broadcast calls that waited, pauses. */
  stats(): { payerWaits: number; broadcastWaits: number; chatPauses: number; botPauses: number };
  /** Resolves when no broadcast call is waiting. */
  idle(): Promise<void>;
}

/** 429s for this many distinct chats within WINDOW are Telegram pushing back on the whole bot. */
const CHATS_FOR_A_BOT_WIDE_PAUSE = 2;

/**
 * Telegram's limits, as Telegram and grammY describe them (docs/delivery.md#telegram-limits): no
 * proactive cap on payer traffic — a reply, an edit of the bill, the answer to a tapped button go
 * at once; only broadcasts are paced, to `broadcastRatePerSecond` messages in any second *counting
 * the payers' own*, so a busy hour slows a broadcast and never a payer. A 429 pauses what it applies
 * to: its chat, or everything when Telegram refuses several chats at once.
 */
export function createFloodControl(options: FloodControlOptions): FloodControl {
  const rate = Math.max(1, Math.floor(options.broadcastRatePerSecond));
  const windowMs = options.windowMs ?? 1000;
  const now = options.now ?? (() => performance.now());
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout));
  /** Start times of the messages (payers' and broadcasts') in the last window, oldest first. */
  const starts: number[] = [];
  const chatPausedUntil = new Map<string, number>();
  let allPausedUntil = 0;
  const recent429s: { chat: string | undefined; at: number }[] = [];
  const broadcastWaiters: { chat: string | undefined; isMessage: boolean; go: () => void }[] = [];
  let timer: unknown = null;
  let idleWaiters: (() => void)[] = [];
  const counts = { payerWaits: 0, broadcastWaits: 0, chatPauses: 0, botPauses: 0 };

  function pausedUntil(chat: string | undefined): number {
    const forChat = chat === undefined ? 0 : (chatPausedUntil.get(chat) ?? 0);
    return Math.max(allPausedUntil, forChat);
  }

  function forget(t: number): void {
    while (starts.length > 0 && t - starts[0]! >= windowMs) starts.shift();
    for (const [chat, until] of chatPausedUntil) if (until <= t) chatPausedUntil.delete(chat);
  }

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => setTimer(resolve, Math.ceil(ms)));
  }

  function pump(): void {
    if (timer !== null) {
      clearTimer(timer);
      timer = null;
    }
    const t = now();
    forget(t);
    while (broadcastWaiters.length > 0) {
      const next = broadcastWaiters[0]!;
      const freeAt = Math.max(pausedUntil(next.chat), next.isMessage && starts.length >= rate ? starts[starts.length - rate]! + windowMs : t);
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
      broadcastWaiters.shift();
      if (next.isMessage) starts.push(t);
      next.go();
    }
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  return {
    async beforePayer(chat, isMessage) {
      if (pausedUntil(chat) > now()) counts.payerWaits++;
      for (let until = pausedUntil(chat); until > now(); until = pausedUntil(chat)) await wait(until - now());
      if (isMessage) {
        forget(now());
        starts.push(now());
      }
    },
    beforeBroadcast(chat, isMessage) {
      return new Promise<void>((go) => {
        broadcastWaiters.push({ chat, isMessage, go });
        pump();
        if (broadcastWaiters.length > 0) counts.broadcastWaits++;
      });
    },
    on429(chat, retryAfterMs) {
      const t = now();
      while (recent429s.length > 0 && t - recent429s[0]!.at >= windowMs) recent429s.shift();
      recent429s.push({ chat, at: t });
      const chats = new Set(recent429s.map((r) => r.chat ?? "(none)"));
      const scope = chat === undefined || chats.size >= CHATS_FOR_A_BOT_WIDE_PAUSE ? "all" : "chat";
      if (scope === "all") {
        allPausedUntil = Math.max(allPausedUntil, t + retryAfterMs);
        counts.botPauses++;
      } else {
        chatPausedUntil.set(chat!, Math.max(chatPausedUntil.get(chat!) ?? 0, t + retryAfterMs));
        counts.chatPauses++;
      }
      pump();
      return scope;
    },
    waiting: () => broadcastWaiters.length,
    stats: () => ({ ...counts }),
    idle(): Promise<void> {
      if (broadcastWaiters.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
