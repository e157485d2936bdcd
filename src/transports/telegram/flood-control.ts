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

/**
 * Called once when a call's answer (or its failure) is back. Until then the call may not yet have
 * reached Telegram, so it counts against the budget; after, for one more window (docs/delivery.md#telegram-limits).
 */
export type Answered = () => void;

export interface FloodControl {
  /** A payer's call: goes at once unless a 429 paused its chat or everything; a message is counted. */
  beforePayer(chat: string | undefined, isMessage: boolean): Promise<Answered>;
  /** A broadcast call: waits for what payer traffic leaves of the budget, and for any pause. */
  beforeBroadcast(chat: string | undefined, isMessage: boolean): Promise<Answered>;
  /**
   * Telegram said 429 to a call of this priority for this chat: pause that chat; a broadcast's also
   * pauses the broadcasts; payers' for several chats at once pause everything.
   */
  on429(chat: string | undefined, retryAfterMs: number, priority?: TrafficPriority): "chat" | "broadcasts" | "all";
  /** Broadcast calls waiting for a slot. */
  waiting(): number;
  /** Counts since start: payer calls that had to wait (only ever for a 429 pause), broadcast calls that waited, pauses. */
  stats(): { payerWaits: number; broadcastWaits: number; chatPauses: number; broadcastPauses: number; botPauses: number };
  /** Resolves when no broadcast call is waiting. */
  idle(): Promise<void>;
}

/** 429s for this many distinct chats within WINDOW are Telegram pushing back on the whole bot. */
const CHATS_FOR_A_BOT_WIDE_PAUSE = 2;

/**
 * Telegram's limits, as Telegram and grammY describe them (docs/delivery.md#telegram-limits): no
 * proactive cap on payer traffic — a reply, an edit of the bill, the answer to a tapped button go
 * at once; only broadcasts are paced, to `broadcastRatePerSecond` messages in any second *counting
 * the payers' own*, so a busy hour slows a broadcast and never a payer.
 *
 * Telegram counts a message when it arrives, which is some time between our start and its answer
 * (a connection being opened, an event loop busy). So a message counts from its start until a
 * window after its answer: however the arrivals bunch up, no window at Telegram holds more than the
 * budget. A 429 pauses what it applies to: its chat; the broadcasts when a broadcast drew it;
 * everything when payers' messages to several chats are refused at once.
 */
export function createFloodControl(options: FloodControlOptions): FloodControl {
  const rate = Math.max(1, Math.floor(options.broadcastRatePerSecond));
  const windowMs = options.windowMs ?? 1000;
  const now = options.now ?? (() => performance.now());
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout));
  /** Messages (payers' and broadcasts') started and not yet answered. */
  let unanswered = 0;
  /** Answer times of the messages answered in the last window, oldest first. */
  const answers: number[] = [];
  const chatPausedUntil = new Map<string, number>();
  let allPausedUntil = 0;
  let broadcastsPausedUntil = 0;
  const recent429s: { chat: string | undefined; at: number }[] = [];
  const broadcastWaiters: { chat: string | undefined; isMessage: boolean; go: (answered: Answered) => void }[] = [];
  let timer: unknown = null;
  let idleWaiters: (() => void)[] = [];
  const counts = { payerWaits: 0, broadcastWaits: 0, chatPauses: 0, broadcastPauses: 0, botPauses: 0 };

  function pausedUntil(chat: string | undefined): number {
    const forChat = chat === undefined ? 0 : (chatPausedUntil.get(chat) ?? 0);
    return Math.max(allPausedUntil, forChat);
  }

  function forget(t: number): void {
    while (answers.length > 0 && t - answers[0]! >= windowMs) answers.shift();
    for (const [chat, until] of chatPausedUntil) if (until <= t) chatPausedUntil.delete(chat);
  }

  /** When one more message fits the budget: now, when enough answers leave the window, or (Infinity) at an answer. */
  function budgetFreeAt(t: number): number {
    const over = unanswered + answers.length - rate + 1;
    if (over <= 0) return t;
    if (over > answers.length) return Infinity;
    return answers[over - 1]! + windowMs;
  }

  /** Counts a message as started; the returned callback, once, as answered. */
  function started(isMessage: boolean): Answered {
    if (!isMessage) return () => {};
    unanswered++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      unanswered--;
      answers.push(now());
      pump();
    };
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
      const freeAt = Math.max(pausedUntil(next.chat), broadcastsPausedUntil, next.isMessage ? budgetFreeAt(t) : t);
      if (freeAt > t) {
        // Budget held by unanswered messages: their answers pump again.
        if (freeAt === Infinity) return;
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
      next.go(started(next.isMessage));
    }
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  return {
    async beforePayer(chat, isMessage) {
      if (pausedUntil(chat) > now()) counts.payerWaits++;
      for (let until = pausedUntil(chat); until > now(); until = pausedUntil(chat)) await wait(until - now());
      return started(isMessage);
    },
    beforeBroadcast(chat, isMessage) {
      return new Promise<Answered>((go) => {
        broadcastWaiters.push({ chat, isMessage, go });
        pump();
        if (broadcastWaiters.length > 0) counts.broadcastWaits++;
      });
    },
    on429(chat, retryAfterMs, priority = "payer") {
      const t = now();
      let scope: "chat" | "broadcasts" | "all";
      if (priority === "broadcast") {
        // A broadcast went too fast: it slows down; the payers it did not concern go on.
        broadcastsPausedUntil = Math.max(broadcastsPausedUntil, t + retryAfterMs);
        counts.broadcastPauses++;
        scope = "broadcasts";
      } else {
        while (recent429s.length > 0 && t - recent429s[0]!.at >= windowMs) recent429s.shift();
        recent429s.push({ chat, at: t });
        const chats = new Set(recent429s.map((r) => r.chat ?? "(none)"));
        scope = chat === undefined || chats.size >= CHATS_FOR_A_BOT_WIDE_PAUSE ? "all" : "chat";
      }
      if (scope === "all") {
        allPausedUntil = Math.max(allPausedUntil, t + retryAfterMs);
        counts.botPauses++;
      } else if (chat !== undefined) {
        chatPausedUntil.set(chat, Math.max(chatPausedUntil.get(chat) ?? 0, t + retryAfterMs));
        if (scope === "chat") counts.chatPauses++;
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
