import { describe, expect, it } from "vitest";
import { setupApp } from "../helpers/app-harness.ts";
import { cliSandbox, inquireOk } from "./helpers.ts";

describe("cli pay", () => {
  it("pays its own inquiry once, from the operator account", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234560000", "--months", "2");
    const res = await sb.run("pay", ref, "--json");
    expect(res.code).toBe(0);
    const out = res.json();
    expect(out).toMatchObject({ ref, status: "success", state: "paid", product: "bpjs-kesehatan" });
    expect(out["providerRef"]).toMatch(/^\d+$/);

    const tx = sb.tx(ref);
    expect(tx).toMatchObject({ status: "paid", user_id: null, account: "operator", settled_by: "pay" });
    const ledger = sb.ledger();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ user_id: null, kind: "operator_payment", amount: -(tx?.total ?? 0), tx_ref: ref, actor: "cli" });
    expect(await sb.payCalls()).toEqual([expect.objectContaining({ ref, payCount: 1, status: "success" })]);
  });

  it("prints a receipt for a person, accepting a lower-case ref", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-denda", "099994301101");
    const res = await sb.run("pay", ref.toLowerCase());
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^Paid ${ref}\\.\\n`));
    expect(res.stdout).toContain("state         paid");
  });

  it("refuses a second pay of the same ref: exit 2, still one pay call", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    expect((await sb.run("pay", ref)).code).toBe(0);
    const again = await sb.run("pay", ref, "--json");
    expect(again.code).toBe(2);
    expect(again.json()).toMatchObject({ ref, status: "rejected", reason: "already_paid", state: "paid" });
    expect(again.stderr).toContain("already paid");
    expect(await sb.payCalls()).toEqual([expect.objectContaining({ ref, payCount: 1 })]);
    expect(sb.ledger()).toHaveLength(1);
  });

  it("refuses a payer's inquiry without calling the provider", async () => {
    const sb = cliSandbox();
    // A payer's inquiry made through the engine, on the same files the CLI then opens.
    const h = await setupApp({}, { databasePath: sb.dbPath, simulatorDbPath: sb.simulatorPath, clock: sb.clock });
    const p = h.payer("1001");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    expect(await p.tap("months:1")).toContain("Total");
    const row = h.app.db.prepare<[], { ref: string }>("SELECT ref FROM transactions WHERE user_id IS NOT NULL AND status = 'inquired'").get();
    await h.close();
    const ref = row?.ref ?? "";

    const res = await sb.run("pay", ref, "--json");
    expect(res.code).toBe(2);
    expect(res.json()).toMatchObject({ ref, status: "rejected", reason: "not_operator" });
    expect(res.stderr).toContain("payer's transaction");
    expect(sb.tx(ref)).toMatchObject({ status: "inquired" });
    expect(await sb.payCalls()).toEqual([]);
    expect(sb.ledger().filter((l) => l.kind === "hold" || l.kind === "operator_payment")).toEqual([]);
  });

  it("refuses an unknown ref and a malformed one", async () => {
    const sb = cliSandbox();
    await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    const unknown = await sb.run("pay", "LK0000000000AA", "--json");
    expect(unknown.code).toBe(2);
    expect(unknown.json()).toMatchObject({ ref: "LK0000000000AA", status: "rejected", reason: "not_found", product: null });
    const malformed = await sb.run("pay", "12345");
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("not a Loket reference");
    expect(await sb.payCalls()).toEqual([]);
  });

  it("refuses an expired inquiry and marks it expired", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    sb.clock.advance(11 * 60_000);
    const res = await sb.run("pay", ref, "--json");
    expect(res.code).toBe(2);
    expect(res.json()).toMatchObject({ status: "rejected", reason: "expired" });
    expect(sb.tx(ref)).toMatchObject({ status: "expired" });
    expect(await sb.payCalls()).toEqual([]);
  });

  it("refuses a failed inquiry", async () => {
    const sb = cliSandbox();
    const ref = String((await sb.run("inquire", "bpjs-kesehatan", "8801234560001", "--json")).json()["ref"]);
    const res = await sb.run("pay", ref, "--json");
    expect(res.code).toBe(2);
    expect(res.json()).toMatchObject({ status: "rejected", reason: "not_payable", state: "inquiry_failed" });
  });

  it("leaves an ambiguous failure pending and settles it failed with one refund via status", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234561037");
    const paid = await sb.run("pay", ref, "--json");
    expect(paid.code).toBe(0);
    // IAK RC 37 on a pay is not final (money may have moved): pending until check status says so.
    expect(paid.json()).toMatchObject({ status: "pending", state: "pending" });
    const status = await sb.run("status", ref, "--json");
    expect(status.code).toBe(0);
    expect(status.json()).toMatchObject({ status: "rejected", reason: "failed", state: "failed" });
    const ledger = sb.ledger();
    expect(ledger.map((l) => [l.kind, l.amount])).toEqual([
      ["operator_payment", -(sb.tx(ref)?.total ?? 0)],
      ["refund", sb.tx(ref)?.total ?? 0],
    ]);
  });

  it("refuses to pay through a provider other than the one that made the inquiry", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    const res = await sb.runWith({ PROVIDERS: "iak", IAK_USERNAME: "u", IAK_API_KEY: "k", IAK_BASE_URL: "http://127.0.0.1:9" }, "pay", ref, "--json");
    expect(res.code).toBe(2);
    expect(res.json()).toMatchObject({ status: "rejected", reason: "provider_not_configured", provider: "simulator" });
    expect(sb.tx(ref)).toMatchObject({ status: "inquired" });
    expect(sb.ledger()).toEqual([]);
  });

  it("refuses a second payment of a bill already paid today unless --force is given: exit 2, no pay call", async () => {
    const sb = cliSandbox();
    const first = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    expect((await sb.run("pay", first)).code).toBe(0);

    const second = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    const refused = await sb.run("pay", second, "--json");
    expect(refused.code).toBe(2);
    expect(refused.json()).toMatchObject({ ref: second, status: "rejected", reason: "paid_today", state: "inquired" });
    expect(refused.stderr).toContain(`already paid today (${first})`);
    expect(refused.stderr).toContain("--force");
    expect(sb.tx(second)).toMatchObject({ status: "inquired" });
    expect((await sb.payCalls()).map((c) => c.ref)).toEqual([first]);
    expect(sb.ledger()).toHaveLength(1);

    const forced = await sb.run("pay", second, "--force", "--json");
    expect(forced.code).toBe(0);
    expect(forced.json()).toMatchObject({ ref: second, status: "success", state: "paid" });
    expect((await sb.payCalls()).map((c) => c.ref)).toEqual([first, second]);
  });

  it("a bill paid yesterday (WIB) is paid again without --force", async () => {
    const sb = cliSandbox();
    const first = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    expect((await sb.run("pay", first)).code).toBe(0);
    sb.clock.advance(24 * 60 * 60_000);
    const next = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    expect((await sb.run("pay", next, "--json")).json()).toMatchObject({ ref: next, status: "success" });
  });

  it("another bill paid today does not need --force", async () => {
    const sb = cliSandbox();
    expect((await sb.run("pay", await inquireOk(sb, "bpjs-kesehatan", "8801234560000"))).code).toBe(0);
    const other = await inquireOk(sb, "bpjs-kesehatan", "8801234560002");
    expect((await sb.run("pay", other, "--json")).json()).toMatchObject({ ref: other, status: "success" });
  });

  it("lists --force in its usage", async () => {
    const sb = cliSandbox();
    expect((await sb.run("pay", "--help")).stdout).toContain("--force");
  });
});
