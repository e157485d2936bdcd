import { performance } from "node:perf_hooks";
import type { FakeTelegram, FakeUser, RecordedCall } from "../test/fakes/telegram-api.ts";
import { numberFor } from "./engine-bench.ts";
import { percentile, round } from "./stats.ts";

export interface DriveFigures {
  messages_per_s: number;
  p50_ms: number;
  p99_ms: number;
  payments: number;
  messages: number;
}

const isOutgoing = (c: RecordedCall, chatId: number) =>
  (c.method === "sendMessage" || c.method === "editMessageText") && c.status === "ok" && Number(c.payload.chat_id) === chatId;
const buttonsOf = (c: RecordedCall) => JSON.stringify(c.payload.reply_markup ?? "");

/**
 * The load of the Telegram bench, the same for Loket and the baseline bot: `payers` people at
 * once, each doing `flows` full BPJS Kesehatan payments (/start, product, number, months, pay) as
 * fast as the bot answers, through the fake Bot API over real HTTP. A step's latency runs from the
 * update being queued to the bot's message that lets the payer go on (the next buttons, or the
 * receipt), as the fake receives it. The bot is a black box: only its Bot API calls are seen.
 */
export async function drivePayers(
  fake: FakeTelegram,
  opts: { payers: number; flows: number; firstUserId: number; /** A person's pause before each step (reading, typing). */ thinkMs?: number },
): Promise<DriveFigures> {
  const latencies: number[] = [];
  let messages = 0;
  let payments = 0;

  async function step(user: FakeUser, push: () => number, done: (c: RecordedCall) => boolean): Promise<void> {
    if (opts.thinkMs) await new Promise((resolve) => setTimeout(resolve, opts.thinkMs! * (0.5 + Math.random())));
    const from = fake.calls.length;
    const t0 = performance.now();
    push();
    await fake.waitForCallAfter(from, (c) => isOutgoing(c, user.id) && done(c), `the answer in chat ${user.id}`, 120_000);
    latencies.push(performance.now() - t0);
    messages++;
  }

  async function payer(i: number): Promise<void> {
    const user: FakeUser = { id: opts.firstUserId + i, first_name: "Bench" };
    for (let flow = 0; flow < opts.flows; flow++) {
      await step(
        user,
        () => fake.sendText(user, "/start"),
        (c) => buttonsOf(c).includes("product:bpjs-kesehatan"),
      );
      await step(
        user,
        () => fake.tapChoice(user, "product:bpjs-kesehatan").updateId,
        (c) => c.method === "sendMessage",
      );
      await step(
        user,
        () => fake.sendText(user, numberFor("bpjs-kesehatan", i, flow)),
        (c) => buttonsOf(c).includes("months:1"),
      );
      await step(
        user,
        () => fake.tapChoice(user, "months:1").updateId,
        (c) => buttonsOf(c).includes("pay:"),
      );
      await step(
        user,
        () => fake.tapChoice(user, "pay:").updateId,
        (c) => /berhasil/.test(String(c.payload.text)),
      );
      payments++;
    }
  }

  const t0 = performance.now();
  await Promise.all(Array.from({ length: opts.payers }, (_, i) => payer(i)));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    messages_per_s: round(messages / seconds, 1),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    payments,
    messages,
  };
}
