import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.ts";
import { parseConfig } from "../src/config.ts";
import type { InboundEvent, OutboundMessage } from "../src/domain/messages.ts";
import { silentLogger } from "../src/logger.ts";
import { fundedTelegramPayers } from "./seed-users.ts";
import { iakAt, startSimulatorProcess } from "./simulator-process.ts";
import { percentile, round } from "./stats.ts";

export interface EngineFigures {
  payers: number;
  flows: number;
  messages_per_s: number;
  payments_per_s: number;
  p50_ms: number;
  p99_ms: number;
  cpu_us_per_message: number;
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** Payers whose flows run before the measurement starts: the first calls of a fresh process pay for the JIT and for opening connections. */
const WARMUP_PAYERS = 5;

/** A customer number per (payer, flow) that the simulator answers with "success". */
export function numberFor(product: string, payer: number, flow: number): string {
  if (product === "bpjs-kesehatan") return `88${pad(payer, 6)}${pad(flow, 2)}2222`;
  if (product === "bpjs-ketenagakerjaan") return `81${pad(payer, 6)}${pad(flow, 2)}002222`;
  return `0999${pad(payer, 6)}${pad(flow, 2)}2`;
}

/**
 * N concurrent payers each doing full pay flows through the engine, SQLite on disk, the simulator
 * in its own process over loopback. Latency: from an inbound message to the last outbound message
 * it causes (provider round trips included).
 */
export async function benchEngine(opts: { payers: number; flowsPerPayer: number; oneAtATime?: boolean }): Promise<EngineFigures> {
  const dir = mkdtempSync(join(tmpdir(), "loket-bench-"));
  const sim = await startSimulatorProcess({ SIMULATOR_DB: join(dir, "sim.db") });
  const config = parseConfig({
    DATABASE_PATH: join(dir, "loket.db"),
    ...iakAt(sim.url),
    CONSOLE: "false",
    LOG_LEVEL: "silent",
  });
  const app = await createApp(config, { log: silentLogger() });
  const lastSent = new Map<string, number>();
  const received = new Map<string, OutboundMessage[]>();
  app.delivery.registerSender("telegram", {
    async send(address, message) {
      lastSent.set(address, performance.now());
      const list = received.get(address) ?? [];
      list.push(message);
      received.set(address, list);
      return String(list.length);
    },
  });
  fundedTelegramPayers(app.db, app.repos, opts.payers + WARMUP_PAYERS, 10_000);

  const latencies: number[] = [];
  let messages = 0;
  let seq = 0;

  /** One inbound message; resolves with every message it caused, the last one last. */
  async function send(payer: number, ev: Omit<InboundEvent, "platform" | "userId" | "address" | "messageId">): Promise<OutboundMessage[]> {
    const id = String(10_000 + payer);
    const before = received.get(id)?.length ?? 0;
    const t0 = performance.now();
    await app.engine.handle({ platform: "telegram", userId: id, address: id, messageId: `b${++seq}`, ...ev });
    await app.outbox.whenDrained("telegram", id);
    latencies.push((lastSent.get(id) ?? performance.now()) - t0);
    messages++;
    return received.get(id)!.slice(before);
  }
  /** The message of a step that offers a menu (the last one with choices). */
  const menuOf = (sent: OutboundMessage[]) => [...sent].reverse().find((m) => m.choices !== undefined) ?? sent.at(-1)!;

  const products = ["bpjs-kesehatan", "bpjs-ketenagakerjaan", "bpjs-denda"] as const;
  async function payerLoop(payer: number): Promise<number> {
    let paid = 0;
    for (let flow = 0; flow < opts.flowsPerPayer; flow++) {
      const product = products[(payer + flow) % 3]!;
      const menu = menuOf(await send(payer, { text: "/start" }));
      await send(payer, { choice: { id: `product:${product}`, nonce: menu.nonce } });
      const afterNumber = menuOf(await send(payer, { text: numberFor(product, payer, flow) }));
      const bill = product === "bpjs-denda" ? afterNumber : menuOf(await send(payer, { choice: { id: "months:1", nonce: afterNumber.nonce } }));
      const pay = bill.choices?.flat().find((c) => c.id.startsWith("pay:"));
      if (!pay) throw new Error(`no bill for payer ${payer}: ${bill.text}`);
      const outcome = await send(payer, { choice: { id: pay.id, nonce: bill.nonce } });
      if (outcome.some((m) => m.text.includes("berhasil"))) paid++;
    }
    return paid;
  }

  app.outbox.kick();
  // Warm-up (not measured), one payer at a time: each product's inquiry and pay, compiled and connected.
  for (let i = opts.payers; i < opts.payers + WARMUP_PAYERS; i++) await payerLoop(i);
  latencies.length = 0;
  messages = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let paid = 0;
  if (opts.oneAtATime) for (let i = 0; i < opts.payers; i++) paid += await payerLoop(i);
  else paid = (await Promise.all(Array.from({ length: opts.payers }, (_, i) => payerLoop(i)))).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await app.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    payers: opts.payers,
    flows: opts.payers * opts.flowsPerPayer,
    messages_per_s: round(messages / seconds, 1),
    payments_per_s: round(paid / seconds, 1),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    // The bot's own CPU per inbound message (the simulator runs in its own process): steadier than a rate.
    cpu_us_per_message: round((cpu.user + cpu.system) / messages, 0),
  };
}
