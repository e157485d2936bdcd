import { onTestFinished } from "vitest";
import { mintRef } from "../../../src/domain/ref.ts";
import { createEspayClient } from "../../../src/providers/espay/client.ts";
import { createIakClient } from "../../../src/providers/iak/client.ts";
import type { PaymentProvider } from "../../../src/providers/port.ts";
import { SIMULATOR_CREDENTIALS } from "../../../src/providers/simulator/credentials.ts";
import { startSimulator, type Simulator } from "../../../src/providers/simulator/server.ts";

/** 2026-05-12 10:00 WIB: far from midnight, so IAK's same-day rule never interferes. */
export const T0 = Date.UTC(2026, 4, 12, 3, 0, 0);
export const SETTLE_MS = 60_000;

export interface RoundTrip {
  sim: Simulator;
  iak: PaymentProvider;
  espay: PaymentProvider;
  advance(ms: number): void;
  ref(): string;
}

/**
 * The real clients over a real loopback socket to the simulator, with the simulator's clock in the
 * test's hands (pending payments settle when it moves, never by waiting).
 */
export async function roundTrip(): Promise<RoundTrip> {
  let time = T0;
  const sim = await startSimulator({ dbPath: ":memory:", now: () => time, settleAfterMs: SETTLE_MS });
  const iak = createIakClient({ baseUrl: sim.url, ...SIMULATOR_CREDENTIALS.iak, timeoutMs: 5_000 });
  const espay = createEspayClient({ baseUrl: sim.url, ...SIMULATOR_CREDENTIALS.espay, timeoutMs: 5_000, now: () => time });
  onTestFinished(async () => {
    await iak.close();
    await espay.close();
    await sim.close();
  });
  return {
    sim,
    iak,
    espay,
    advance: (ms) => {
      time += ms;
    },
    ref: mintRef,
  };
}
