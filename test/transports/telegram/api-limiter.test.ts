import { describe, expect, it } from "vitest";
import { createTelegramApiLimiter, currentPriority, withPriority } from "../../../src/transports/telegram/api-limiter.ts";

/** A hand-driven clock and timer queue, so the limiter is tested without waiting. */
function manualTime() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let seq = 0;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const t = { at: now + ms, fn, id: ++seq };
      timers.push(t);
      return t.id;
    },
    clearTimer: (id: unknown) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        now = next.at;
        next.fn();
        await flushMicrotasks();
      }
      now = until;
      await flushMicrotasks();
    },
  };
}

async function flushMicrotasks() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe("api limiter", () => {
  it("starts at most `rate` calls per second and serves payers before broadcasts", async () => {
    const time = manualTime();
    const limiter = createTelegramApiLimiter({ ratePerSecond: 3, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer });
    const started: string[] = [];
    const job = (name: string) => async () => void started.push(`${name}@${time.now()}`);
    const all = [...[1, 2, 3, 4].map((i) => limiter.schedule("broadcast", job(`b${i}`))), ...[1, 2].map((i) => limiter.schedule("payer", job(`p${i}`)))];
    await flushMicrotasks();
    expect(started).toEqual(["b1@0", "b2@0", "b3@0"]);
    expect(limiter.waiting()).toEqual({ payer: 2, broadcast: 1 });
    await time.advance(1000);
    // Payers that arrived later still go first.
    expect(started.slice(3)).toEqual(["p1@1000", "p2@1000", "b4@1000"]);
    await Promise.all(all);
  });

  it("pauses everything on pauseFor (a 429)", async () => {
    const time = manualTime();
    const limiter = createTelegramApiLimiter({ ratePerSecond: 100, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer });
    limiter.pauseFor(5_000);
    let ran = false;
    const p = limiter.schedule("payer", async () => void (ran = true));
    await time.advance(4_999);
    expect(ran).toBe(false);
    await time.advance(1);
    expect(ran).toBe(true);
    await p;
  });

  it("passes a thrown error to the caller and keeps going", async () => {
    const limiter = createTelegramApiLimiter({ ratePerSecond: 10 });
    await expect(limiter.schedule("payer", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.schedule("payer", async () => 42)).resolves.toBe(42);
    await limiter.idle();
  });

  it("carries the priority through async work", async () => {
    expect(currentPriority()).toBe("payer");
    await withPriority("broadcast", async () => {
      await Promise.resolve();
      expect(currentPriority()).toBe("broadcast");
    });
  });
});
