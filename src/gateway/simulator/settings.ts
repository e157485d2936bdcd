import { GATEWAY_SIMULATOR_SERVER_KEY } from "./credentials.ts";
import { isGatewayScenario, type GatewayScenario } from "./scenarios.ts";
import type { GatewaySimStore } from "./store.ts";

/**
 * The simulator's settings live in its file, not in memory: the delay and the next scenario set
 * through /__sim/* survive a restart, and the CLI (another process) signs its notifications with
 * the key the running simulator was started with.
 */

export const DEFAULT_PAY_AFTER_MS = 5_000;

const KEY = { serverKey: "server_key", payAfterMs: "pay_after_ms", nextScenario: "next_scenario" } as const;

export interface SimSettings {
  serverKey(): string;
  setServerKey(key: string): void;
  payAfterMs(): number;
  setPayAfterMs(ms: number): void;
  nextScenario(): GatewayScenario | null;
  setNextScenario(scenario: GatewayScenario | null): void;
  /** The next scenario, cleared: it applies to one charge. Callers hold a transaction. */
  takeNextScenario(): GatewayScenario | null;
}

export function simSettings(store: GatewaySimStore): SimSettings {
  const settings: SimSettings = {
    serverKey: () => store.setting(KEY.serverKey) ?? GATEWAY_SIMULATOR_SERVER_KEY,
    setServerKey: (key) => store.setSetting(KEY.serverKey, key),
    payAfterMs() {
      const raw = store.setting(KEY.payAfterMs);
      return raw !== undefined && /^\d{1,12}$/.test(raw) ? Number(raw) : DEFAULT_PAY_AFTER_MS;
    },
    setPayAfterMs(ms) {
      if (!Number.isSafeInteger(ms) || ms < 0) throw new Error("the pay delay must be a whole number of milliseconds, 0 or more");
      store.setSetting(KEY.payAfterMs, String(ms));
    },
    nextScenario() {
      const raw = store.setting(KEY.nextScenario) ?? "";
      return isGatewayScenario(raw) ? raw : null;
    },
    setNextScenario: (scenario) => store.setSetting(KEY.nextScenario, scenario ?? ""),
    takeNextScenario() {
      const next = settings.nextScenario();
      if (next !== null) settings.setNextScenario(null);
      return next;
    },
  };
  return settings;
}
