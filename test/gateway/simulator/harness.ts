import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import type { MidtransGateway } from "../../../src/gateway/midtrans/client.ts";
import type { ChargeRequest } from "../../../src/gateway/port.ts";
import { createSimulatorGateway } from "../../../src/gateway/simulator/client.ts";
import { startGatewaySimulator, type GatewaySimulator, type GatewaySimulatorOptions } from "../../../src/gateway/simulator/server.ts";

/** 2026-05-12 10:00 WIB. */
export const T0 = Date.UTC(2026, 4, 12, 3, 0, 0);
export const SECOND = 1_000;
export const MINUTE = 60_000;
export const PAY_AFTER_MS = 5_000;

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: Record<string, unknown>;
}

/** A stand-in for the bot's notification endpoint: records every POST, answers `status`. */
export interface Receiver {
  url: string;
  received: Received[];
  status: number;
  /** Called while a notification is being received, before the answer: for ordering checks. */
  onReceive?: (r: Received) => void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: "", received: [], status: 200, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      const r: Received = { path: req.url ?? "", headers: req.headers, raw, body: JSON.parse(raw) as Record<string, unknown> };
      receiver.received.push(r);
      receiver.onReceive?.(r);
      res.writeHead(receiver.status, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("receiver not on TCP");
  receiver.url = `http://127.0.0.1:${address.port}/gateway/midtrans`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

export interface Harness {
  sim: GatewaySimulator;
  gateway: MidtransGateway;
  receiver: Receiver;
  clock: { now: () => number; advance(ms: number): void };
  dbPath: string;
  charge(overrides?: Partial<ChargeRequest>): ReturnType<MidtransGateway["charge"]>;
  /** Moves the clock and lets the simulator catch up (changes due, notifications sent). */
  advance(ms: number): Promise<void>;
  /** Stops the simulator and starts it again on the same file and clock. */
  restart(opts?: Partial<GatewaySimulatorOptions>): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;
export function orderId(prefix = "LK-TOPUP"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** The real Midtrans client against the simulator over loopback, a fake clock, a file in a temp dir. */
export async function setup(opts: Partial<GatewaySimulatorOptions> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "loket-gwsim-"));
  const dbPath = join(dir, "gateway-simulator.db");
  let time = T0;
  const clock = { now: () => time, advance: (ms: number) => void (time += ms) };
  const receiver = await startReceiver();
  const start = (more: Partial<GatewaySimulatorOptions> = {}) =>
    startGatewaySimulator({ dbPath, now: clock.now, tickMs: 0, notifyUrl: receiver.url, payAfterMs: PAY_AFTER_MS, ...opts, ...more });
  let sim = await start();
  let gateway = createSimulatorGateway({ baseUrl: sim.url, now: clock.now });

  const h: Harness = {
    get sim() {
      return sim;
    },
    get gateway() {
      return gateway;
    },
    receiver,
    clock,
    dbPath,
    charge: (overrides = {}) => gateway.charge({ orderId: orderId(), amount: 50_000, method: "qris", expiresAt: clock.now() + 15 * MINUTE, ...overrides }),
    async advance(ms) {
      clock.advance(ms);
      await sim.tick();
    },
    async restart(more = {}) {
      await gateway.close();
      await sim.close();
      sim = await start(more);
      gateway = createSimulatorGateway({ baseUrl: sim.url, now: clock.now });
    },
    async close() {
      await gateway.close();
      await sim.close();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  onTestFinished(() => h.close());
  return h;
}
