import { describe, expect, it } from "vitest";
import { createFloodControl, type Answered } from "../../../src/transports/telegram/flood-control.ts";

/** A hand-driven clock and timer queue, so pacing is tested without waiting. */
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

function setup(rate: number) {
  const time = manualTime();
  const flood = createFloodControl({ broadcastRatePerSecond: rate, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer });
  const started: string[] = [];
  // A call answered the moment it starts, unless the test keeps its answer back.
  const go = (name: string, answered: Answered, keep: boolean) => {
    started.push(`${name}@${time.now()}`);
    if (!keep) answered();
    return answered;
  };
  const payer = (name: string, chat = name, keep = false) => flood.beforePayer(chat, true).then((a) => go(name, a, keep));
  const broadcast = (name: string, chat = name, keep = false) => flood.beforeBroadcast(chat, true).then((a) => go(name, a, keep));
  return { time, flood, started, payer, broadcast };
}

describe("flood control", () => {
  it("never holds a payer's message back, however many go at once", async () => {
    const { started, payer } = setup(3);
    await Promise.all(Array.from({ length: 100 }, (_, i) => payer(`p${i}`)));
    expect(started).toHaveLength(100);
    expect(started.every((s) => s.endsWith("@0"))).toBe(true);
  });

  it("paces broadcasts to what payer traffic leaves of the budget", async () => {
    const { time, flood, started, payer, broadcast } = setup(3);
    await payer("p1");
    await payer("p2");
    const all = [broadcast("b1"), broadcast("b2"), broadcast("b3")];
    await flushMicrotasks();
    expect(started).toEqual(["p1@0", "p2@0", "b1@0"]);
    expect(flood.waiting()).toBe(2);
    // Payers keep going while broadcasts wait.
    await payer("p3");
    await time.advance(1000);
    expect(started.slice(3)).toEqual(["p3@0", "b2@1000", "b3@1000"]);
    await Promise.all(all);
  });

  it("counts a message until a window after its answer, since Telegram counts it on arrival", async () => {
    const { time, flood, started, broadcast } = setup(1);
    // b1's answer is slow (a connection being opened): it may reach Telegram as late as its answer.
    const b1 = await broadcast("b1", "b1", true);
    const b2 = broadcast("b2");
    await time.advance(1_400);
    expect(started).toEqual(["b1@0"]);
    b1();
    await flushMicrotasks();
    expect(flood.waiting()).toBe(1);
    await time.advance(999);
    expect(started).toEqual(["b1@0"]);
    await time.advance(1);
    await b2;
    expect(started).toEqual(["b1@0", "b2@2400"]);
    b1(); // a second call changes nothing
    expect(flood.waiting()).toBe(0);
  });

  it("payers' messages not yet answered hold the broadcasts' budget, never the payers", async () => {
    const { time, started, payer, broadcast } = setup(2);
    const p1 = await payer("p1", "p1", true);
    await payer("p2", "p2", true);
    const b = broadcast("b");
    await payer("p3");
    await time.advance(5_000);
    expect(started).toEqual(["p1@0", "p2@0", "p3@0"]);
    p1();
    await time.advance(1_000);
    await b;
    expect(started).toEqual(["p1@0", "p2@0", "p3@0", "b@6000"]);
  });

  it("a broadcast's 429s slow the broadcasts and their chats, never the other payers", async () => {
    const { time, flood, started, payer, broadcast } = setup(30);
    expect(flood.on429("A", 1_000, "broadcast")).toBe("broadcasts");
    expect(flood.on429("B", 1_000, "broadcast")).toBe("broadcasts");
    const waiting = [broadcast("c", "C"), payer("a", "A")];
    await payer("d", "D");
    await flushMicrotasks();
    expect(started).toEqual(["d@0"]);
    await time.advance(1_000);
    await Promise.all(waiting);
    expect(started.sort()).toEqual(["a@1000", "c@1000", "d@0"]);
    expect(flood.stats()).toMatchObject({ broadcastPauses: 2, botPauses: 0, payerWaits: 1 });
  });

  it("a 429 for one chat pauses that chat only", async () => {
    const { time, flood, started, payer } = setup(30);
    expect(flood.on429("A", 2_000)).toBe("chat");
    const a = payer("a", "A");
    await payer("b", "B");
    await flushMicrotasks();
    expect(started).toEqual(["b@0"]);
    await time.advance(1_999);
    expect(started).toEqual(["b@0"]);
    await time.advance(1);
    await a;
    expect(started).toEqual(["b@0", "a@2000"]);
  });

  it("429s for several chats at once pause everything", async () => {
    const { time, flood, started, payer, broadcast } = setup(30);
    flood.on429("A", 1_000);
    expect(flood.on429("B", 1_000)).toBe("all");
    const waiting = [payer("c", "C"), broadcast("d", "D")];
    await flushMicrotasks();
    expect(started).toEqual([]);
    await time.advance(1_000);
    await Promise.all(waiting);
    expect(started.sort()).toEqual(["c@1000", "d@1000"]);
  });
});
