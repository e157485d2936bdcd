import Database from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { createSimulatorGateway, gatewaySimulatorDbPath } from "../../src/gateway/simulator/client.ts";
import { amountFor } from "../../src/gateway/simulator/scenarios.ts";
import { startGatewaySimulator } from "../../src/gateway/simulator/server.ts";
import { startReceiver } from "../gateway/simulator/harness.ts";
import { cliSandbox, type CliSandbox } from "./helpers.ts";

const MINUTE = 60_000;

/** The bot's in-process gateway simulator, as createApp would start it: its file beside DATABASE_PATH. */
async function runningSimulator(sb: CliSandbox, dbPath = gatewaySimulatorDbPath(sb.dbPath)) {
  const receiver = await startReceiver();
  const sim = await startGatewaySimulator({ dbPath, now: sb.clock.now, tickMs: 0, notifyUrl: receiver.url, payAfterMs: 60 * MINUTE });
  const gateway = createSimulatorGateway({ baseUrl: sim.url, now: sb.clock.now });
  onTestFinished(async () => {
    await gateway.close();
    await sim.close();
    await receiver.close();
  });
  const charge = async (orderId: string, amount = 25_000) => {
    const outcome = await gateway.charge({ orderId, amount, method: "qris", expiresAt: sb.clock.now() + 15 * MINUTE });
    if (outcome.status !== "created") throw new Error(`not created: ${JSON.stringify(outcome)}`);
  };
  return { sim, gateway, receiver, charge };
}

describe("cli gateway pay", () => {
  it("pays an order in the running simulator's file; the simulator notifies it, signed", async () => {
    const sb = cliSandbox();
    const { sim, gateway, receiver, charge } = await runningSimulator(sb);
    await charge("LK-TOPUP-CLI1");
    const res = await sb.run("gateway", "pay", "LK-TOPUP-CLI1", "--json");
    expect(res.code).toBe(0);
    expect(res.json()).toMatchObject({ order: "LK-TOPUP-CLI1", status: "paid", amount: 25_000, method: "qris", notifyUrls: [receiver.url] });
    expect(await gateway.status("LK-TOPUP-CLI1")).toMatchObject({ state: "paid", grossAmount: 25_000 });
    await sim.tick();
    const settled = receiver.received.find((r) => r.body["transaction_status"] === "settlement");
    expect(gateway.verifyNotification(settled?.body)).toEqual({ valid: true, orderId: "LK-TOPUP-CLI1" });

    const again = await sb.run("gateway", "pay", "LK-TOPUP-CLI1");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("is already paid");
  });

  it("prints a line for a person, naming where the notification goes", async () => {
    const sb = cliSandbox();
    const { receiver, charge } = await runningSimulator(sb);
    await charge("LK-TOPUP-CLI2", 100_000);
    const res = await sb.run("gateway", "pay", "LK-TOPUP-CLI2");
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      `Paid order LK-TOPUP-CLI2 (Rp100.000, qris) in the gateway simulator. Its notification goes to ${receiver.url} with the running simulator's next pass.\n`,
    );
  });

  it("pays an expired order only with --late", async () => {
    const sb = cliSandbox();
    const { gateway, charge } = await runningSimulator(sb);
    await charge("LK-TOPUP-LATE", amountFor("never_pay", 25_000));
    sb.clock.advance(15 * MINUTE);
    const refused = await sb.run("gateway", "pay", "LK-TOPUP-LATE", "--json");
    expect(refused.code).toBe(2);
    expect(refused.json()).toMatchObject({ status: "rejected", reason: "not_pending", state: "expire" });
    expect(refused.stderr).toContain("--late");
    expect((await sb.run("gateway", "pay", "LK-TOPUP-LATE", "--late")).code).toBe(0);
    expect(await gateway.status("LK-TOPUP-LATE")).toMatchObject({ state: "paid" });
  });

  it("reaches a standalone simulator's file with --db, whatever GATEWAY says", async () => {
    const sb = cliSandbox();
    const file = join(sb.dir, "standalone-gateway.db");
    const { gateway, charge } = await runningSimulator(sb, file);
    await charge("LK-TOPUP-DB");
    const res = await sb.runWith({ GATEWAY: "midtrans" }, "gateway", "pay", "LK-TOPUP-DB", "--db", file, "--json");
    expect(res.code).toBe(0);
    expect(await gateway.status("LK-TOPUP-DB")).toMatchObject({ state: "paid" });
  });

  it("refuses clearly when GATEWAY is not the simulator", async () => {
    const sb = cliSandbox();
    for (const env of [
      { GATEWAY: "midtrans", MIDTRANS_SERVER_KEY: "SB-Mid-server-x", PUBLIC_BASE_URL: "https://loket.example.id" },
      { GATEWAY: "none" },
    ] as Record<string, string>[]) {
      const res = await sb.runWith(env, "gateway", "pay", "LK-TOPUP-1", "--json");
      expect(res.code).toBe(2);
      expect(res.json()).toEqual({ order: "LK-TOPUP-1", status: "rejected", reason: "not_simulator" });
      expect(res.stderr).toContain(`GATEWAY is ${env.GATEWAY}`);
    }
  });

  it("refuses when no simulator has run, an unknown order, and a file that is not a simulator's (leaving it untouched)", async () => {
    const sb = cliSandbox();
    const none = await sb.run("gateway", "pay", "LK-TOPUP-1", "--json");
    expect(none.code).toBe(2);
    expect(none.json()).toMatchObject({ reason: "no_simulator_file" });

    await runningSimulator(sb);
    const unknown = await sb.run("gateway", "pay", "LK-TOPUP-NOPE", "--json");
    expect(unknown.code).toBe(2);
    expect(unknown.json()).toMatchObject({ reason: "not_found" });

    const other = join(sb.dir, "other.db");
    const db = new Database(other);
    db.exec("CREATE TABLE t (x INTEGER)");
    db.close();
    const wrong = await sb.run("gateway", "pay", "LK-TOPUP-1", "--db", other, "--json");
    expect(wrong.json()).toMatchObject({ reason: "no_simulator_file" });
    const check = new Database(other, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: "t" }]);
    check.close();
  });

  it("a :memory: database has no simulator file to reach", async () => {
    const sb = cliSandbox();
    const res = await sb.runWith({ DATABASE_PATH: ":memory:" }, "gateway", "pay", "LK-TOPUP-1");
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--db");
  });

  it("usage errors exit 2; a GATEWAY that is no gateway is a configuration error", async () => {
    const sb = cliSandbox();
    for (const argv of [
      ["gateway"],
      ["gateway", "pay"],
      ["gateway", "refund", "LK-1"],
      ["gateway", "pay", "a", "b"],
      ["gateway", "pay", "bad id!"],
      ["gateway", "pay", "x", "--db"],
    ]) {
      expect((await sb.run(...argv)).code, argv.join(" ")).toBe(2);
    }
    const bad = await sb.runWith({ GATEWAY: "xendit" }, "gateway", "pay", "LK-1", "--json");
    expect(bad.code).toBe(1);
    expect(bad.json()).toMatchObject({ error: { kind: "config" } });
  });
});
