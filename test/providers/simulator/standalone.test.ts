import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { main } from "../../../src/providers/simulator/standalone.ts";

it("main() creates the data folder, listens, and prints its URL and the credentials", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loket-sim-"));
  const lines: string[] = [];
  const sim = await main({ SIMULATOR_DB: join(dir, "nested", "sim.db"), SIMULATOR_PORT: "0" }, (l) => lines.push(l));
  try {
    expect(lines[0]).toBe(`simulator listening on ${sim.url}`);
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toContain("IAK_USERNAME=loket-sim");
    const res = await fetch(`${sim.url}/__sim/deposit`);
    expect(await res.json()).toEqual({ rupiah: 1_000_000_000 });
    // The gateway simulator starts beside it, its file beside the provider simulator's.
    expect(lines[2]).toBe(`gateway simulator listening on ${sim.gateway.url}`);
    expect(lines[3]).toBe(`gateway credentials: GATEWAY=midtrans MIDTRANS_BASE_URL=${sim.gateway.url} MIDTRANS_SERVER_KEY=${sim.gateway.serverKey}`);
    expect(existsSync(join(dir, "nested", "gateway-simulator.db"))).toBe(true);
    expect(await (await fetch(`${sim.gateway.url}/__sim/pay-after`)).json()).toEqual({ ms: 5_000 });
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it("main() refuses a port that is not a number", async () => {
  await expect(main({ SIMULATOR_DB: ":memory:", SIMULATOR_PORT: "eighty" }, () => {})).rejects.toThrow(/SIMULATOR_PORT/);
  await expect(main({ SIMULATOR_DB: ":memory:", GATEWAY_SIMULATOR_PORT: "eighty" }, () => {})).rejects.toThrow(/GATEWAY_SIMULATOR_PORT/);
});

it("main() takes the gateway simulator's file, delay and notification URL from the environment", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loket-sim-"));
  const sim = await main(
    {
      SIMULATOR_DB: ":memory:",
      GATEWAY_SIMULATOR_DB: join(dir, "gw.db"),
      GATEWAY_SIMULATOR_PAY_AFTER_MS: "1234",
      GATEWAY_SIMULATOR_NOTIFY_URL: "http://127.0.0.1:9/gateway/midtrans",
    },
    () => {},
  );
  try {
    expect(existsSync(join(dir, "gw.db"))).toBe(true);
    expect(sim.gateway.payAfterMs()).toBe(1234);
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await expect(main({ SIMULATOR_DB: ":memory:", GATEWAY_SIMULATOR_NOTIFY_URL: "not a url" }, () => {})).rejects.toThrow(/GATEWAY_SIMULATOR_NOTIFY_URL/);
});
