import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { describe, expect, it, onTestFinished } from "vitest";
import { SIMULATOR_CREDENTIALS } from "../../src/providers/simulator/credentials.ts";
import { cliSandbox } from "./helpers.ts";

describe("cli inquire against the in-process simulator", () => {
  it("records a successful inquiry as an operator transaction", async () => {
    const sb = cliSandbox();
    const res = await sb.run("inquire", "bpjs-kesehatan", "8801234560000", "--months", "2", "--json");
    expect(res.code).toBe(0);
    const out = res.json();
    expect(out).toMatchObject({
      status: "success",
      product: "bpjs-kesehatan",
      number: "8801234560000",
      state: "inquired",
      provider: "simulator",
      months: 2,
      fee: 0,
    });
    expect(out).not.toHaveProperty("reason");
    for (const k of ["bill", "admin", "fee", "total"]) expect(Number.isSafeInteger(out[k])).toBe(true);
    expect(out["total"]).toBe((out["bill"] as number) + (out["admin"] as number) + (out["fee"] as number));
    // Names are masked , as in every other view.
    expect(out["name"]).toMatch(/^[A-Z]{2}\**( [A-Z]{2}\**)*$/);

    const tx = sb.tx(String(out["ref"]));
    expect(tx).toMatchObject({ account: "operator", user_id: null, status: "inquired", months: 2, customer_number: "8801234560000" });
    expect(sb.ledger()).toEqual([]);
  });

  it("prints the bill and the next step for a person", async () => {
    const sb = cliSandbox();
    const res = await sb.run("inquire", "bpjs-denda", "099994301101");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Inquiry LK[0-9A-Z]{12}: bill found, total Rp[\d.]+\n/);
    expect(res.stdout).toContain("number        099994301101");
    expect(res.stdout).toMatch(/Pay it with: npm run cli -- pay LK[0-9A-Z]{12}/);
  });

  it.each([
    ["already paid", "8801234560001", "already_paid"],
    ["wrong number", "8801234560014", "wrong_number"],
    ["provider timeout", "8801234560103", "unavailable_timeout"],
  ])("reports %s as rejected, exit 0", async (_label, number, reason) => {
    const sb = cliSandbox();
    const res = await sb.run("inquire", "bpjs-kesehatan", number, "--json");
    expect(res.code).toBe(0);
    const out = res.json();
    expect(out).toMatchObject({ status: "rejected", reason, state: "inquiry_failed", bill: null, total: null });
    expect(sb.tx(String(out["ref"]))).toMatchObject({ status: "inquiry_failed", failure_reason: reason, user_id: null });
  });

  it("defaults to one month and accepts --months=N", async () => {
    const sb = cliSandbox();
    expect((await sb.run("inquire", "bpjs-ketenagakerjaan", "8102051011270000", "--json")).json()).toMatchObject({ status: "success", months: 1 });
    expect((await sb.run("inquire", "bpjs-kesehatan", "8801-2345-6000-0", "--months=12", "--json")).json()).toMatchObject({
      status: "success",
      months: 12,
      number: "8801234560000",
    });
  });

  it("refuses a new inquiry while a payment of the same bill is open", async () => {
    const sb = cliSandbox();
    const first = (await sb.run("inquire", "bpjs-kesehatan", "8801234561039", "--json")).json();
    expect((await sb.run("pay", String(first["ref"]))).code).toBe(0);
    const res = await sb.run("inquire", "bpjs-kesehatan", "8801234561039", "--json");
    expect(res.code).toBe(2);
    expect(res.json()).toMatchObject({ ref: null, status: "rejected", reason: "open_payment", openRef: first["ref"] });
    expect(res.stderr).toContain(String(first["ref"]));
  });
});

describe("cli inquire validates before any provider call", () => {
  /** An IAK endpoint that only counts: any request reaching it is a failure of the test. */
  async function countingServer(): Promise<{ url: string; requests: () => number }> {
    let n = 0;
    const server = createServer((req, res) => {
      n++;
      req.resume();
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => n };
  }

  it("rejects a 15-digit NIK with exit 2, a clear message and no HTTP request", async () => {
    const sb = cliSandbox();
    const server = await countingServer();
    const iakEnv = {
      PROVIDERS: "iak",
      IAK_BASE_URL: server.url,
      IAK_USERNAME: SIMULATOR_CREDENTIALS.iak.username,
      IAK_API_KEY: SIMULATOR_CREDENTIALS.iak.apiKey,
    };
    const res = await sb.runWith(iakEnv, "inquire", "bpjs-ketenagakerjaan", "810205101127000");
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("bpjs-ketenagakerjaan needs a number of exactly 16 digits");
    expect(res.stderr).toContain("has 15");
    expect(res.stdout).toBe("");
    expect(server.requests()).toBe(0);
    // Nothing was opened either: validation runs before the database and the providers.
    expect(existsSync(sb.dbPath)).toBe(false);
  });

  it.each([
    [["inquire", "bpjs-kesehatan"], "usage: inquire"],
    [["inquire", "bpjs-sehat", "8801234560000"], 'unknown product "bpjs-sehat"'],
    [["inquire", "bpjs-kesehatan", "88012345A0000"], "digits only"],
    [["inquire", "bpjs-kesehatan", "880123456"], "10 to 16 digits"],
    [["inquire", "bpjs-denda", "099994301101", "--months", "1"], "bpjs-denda has no months"],
    [["inquire", "bpjs-kesehatan", "8801234560000", "--months", "13"], "--months must be a whole number from 1 to 12"],
    [["inquire", "bpjs-kesehatan", "8801234560000", "--months", "0"], "--months must be"],
    [["inquire", "bpjs-kesehatan", "8801234560000", "--months"], "--months needs a value"],
    [["inquire", "bpjs-kesehatan", "8801234560000", "--month", "2"], "unknown option --month"],
    [["frobnicate"], 'unknown command "frobnicate"'],
    [[], "a command is needed"],
  ])("exit 2 for %j", async (argv, message) => {
    const sb = cliSandbox();
    const res = await sb.run(...argv);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
    expect(existsSync(sb.dbPath)).toBe(false);
  });

  it("prints one JSON error object for a usage error with --json", async () => {
    const sb = cliSandbox();
    const res = await sb.run("inquire", "bpjs-ketenagakerjaan", "810205101127000", "--json");
    expect(res.code).toBe(2);
    expect(res.json()).toEqual({ error: { kind: "usage", message: expect.stringContaining("exactly 16 digits") } });
  });

  it("exits 1 on a configuration error, listing it", async () => {
    const sb = cliSandbox();
    const res = await sb.runWith({ PROVIDERS: "iak" }, "inquire", "bpjs-kesehatan", "8801234560000");
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("IAK_USERNAME: required");
    expect(res.stderr).toContain("IAK_API_KEY: required");
  });

  it("shows usage with help, exit 0", async () => {
    const sb = cliSandbox();
    const res = await sb.run("help");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("inquire <product> <number> [--months N] [--json]");
    expect((await sb.run("pay", "--help")).stdout).toContain("usage: pay <ref>");
  });

  it("logs to stderr only, quiet (warn) unless LOG_LEVEL says otherwise", async () => {
    const sb = cliSandbox();
    const quiet = await sb.runWith({ LOG_LEVEL: "" }, "inquire", "bpjs-kesehatan", "8801234560000", "--json");
    expect(quiet.stderr).toBe("");
    const chatty = await sb.runWith({ LOG_LEVEL: "info" }, "inquire", "bpjs-kesehatan", "8801234560000", "--json");
    expect(chatty.json()).toMatchObject({ status: "success" });
    expect(chatty.stderr).toContain("provider simulator started");
  });
});
