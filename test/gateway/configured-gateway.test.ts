import { createServer, type IncomingMessage } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.ts";
import { startConfiguredGateway } from "../../src/gateway/configured-gateway.ts";
import { silentLogger } from "../../src/logger.ts";
import { freePort } from "../helpers/free-port.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = "";
    req.on("data", (d: Buffer) => (s += d.toString()));
    req.on("end", () => resolve(s));
  });
}

describe("the gateway GATEWAY names", () => {
  it("none: no gateway (top-ups stay manual)", async () => {
    expect(await startConfiguredGateway(parseConfig({ PROVIDERS: "simulator", GATEWAY: "none" }), silentLogger())).toBeNull();
    // Real providers and nothing said: none, never the simulator.
    const real = parseConfig({ PROVIDERS: "iak", IAK_USERNAME: "u", IAK_API_KEY: "k" });
    expect(await startConfiguredGateway(real, silentLogger())).toBeNull();
  });

  it("midtrans: the Core API client, without a call made", async () => {
    const config = parseConfig({
      GATEWAY: "midtrans",
      MIDTRANS_SERVER_KEY: "SB-Mid-server-abc",
      PUBLIC_BASE_URL: "https://loket.example.id",
      PROVIDERS: "simulator",
    });
    const gateway = await startConfiguredGateway(config, silentLogger());
    expect(gateway?.name).toBe("midtrans");
    await gateway?.close();
  });

  it("simulator (the default beside simulated providers): charges on loopback and notifies this process's PORT, signed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loket-gw-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const received: { path: string; body: string }[] = [];
    let arrived!: () => void;
    const notified = new Promise<void>((resolve) => (arrived = resolve));
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        received.push({ path: req.url ?? "", body });
        res.end("ok");
        arrived();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const config = parseConfig({ DATABASE_PATH: join(dir, "loket.db"), PORT: String(port) });
    expect(config.gateway.kind).toBe("simulator");
    const gateway = (await startConfiguredGateway(config, silentLogger()))!;
    cleanups.push(() => gateway.close());
    expect(gateway.name).toBe("simulator");

    const charge = await gateway.charge({ orderId: "LT-CONFIGURED-1", amount: 50_000, method: "qris", expiresAt: Date.now() + 15 * 60_000 });
    expect(charge.status).toBe("created");
    if (charge.status !== "created") return;
    expect(charge.qrPayload).toMatch(/^000201/);
    // The simulated payer pays now (instead of a few seconds later).
    const simOrigin = new URL(charge.qrUrl!).origin;
    const paid = await fetch(`${simOrigin}/__sim/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ order_id: "LT-CONFIGURED-1" }),
    });
    expect(paid.status).toBe(200);
    await notified;
    expect(received[0]!.path).toBe("/gateway/midtrans");
    expect(gateway.verifyNotification(JSON.parse(received[0]!.body))).toEqual({ valid: true, orderId: "LT-CONFIGURED-1" });
    expect(await gateway.status("LT-CONFIGURED-1")).toMatchObject({ status: "known", state: "paid", grossAmount: 50_000 });
  });
});
