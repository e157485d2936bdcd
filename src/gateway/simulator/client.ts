import { dirname, join } from "node:path";
import type { Dispatcher } from "undici";
import { createMidtransGateway, type MidtransGateway } from "../midtrans/client.ts";
import { GATEWAY_SIMULATOR_SERVER_KEY } from "./credentials.ts";

/**
 * The gateway named "simulator": the very Midtrans client, pointed at the simulator's URL with the
 * simulator's key, so every run against the simulator exercises the real client
 * (docs/gateway.md#simulator).
 */
export interface SimulatorGatewayOptions {
  /** The simulator's `url`. */
  baseUrl: string;
  serverKey?: string;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
  notificationUrl?: string;
  now?: () => number;
}

export function createSimulatorGateway(opts: SimulatorGatewayOptions): MidtransGateway {
  return createMidtransGateway({
    baseUrl: opts.baseUrl,
    serverKey: opts.serverKey ?? GATEWAY_SIMULATOR_SERVER_KEY,
    name: "simulator",
    ...(opts.dispatcher !== undefined && { dispatcher: opts.dispatcher }),
    ...(opts.timeoutMs !== undefined && { timeoutMs: opts.timeoutMs }),
    ...(opts.notificationUrl !== undefined && { notificationUrl: opts.notificationUrl }),
    ...(opts.now !== undefined && { now: opts.now }),
  });
}

/** Where the in-process gateway simulator keeps its orders by default: beside the bot's database. */
export function gatewaySimulatorDbPath(databasePath: string): string {
  return databasePath === ":memory:" ? ":memory:" : join(dirname(databasePath), "gateway-simulator.db");
}
