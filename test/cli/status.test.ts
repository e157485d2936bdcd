import { describe, expect, it } from "vitest";
import { cliSandbox, inquireOk } from "./helpers.ts";

const SETTLE_MS = 20_000;

describe("cli status", () => {
  it("asks about a pending payment once per run, and shows it settled once the provider has", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234561039");
    expect((await sb.run("pay", ref, "--json")).json()).toMatchObject({ status: "pending" });

    const still = await sb.run("status", ref, "--json");
    expect(still.code).toBe(0);
    expect(still.json()).toMatchObject({ ref, status: "pending", state: "pending" });
    expect(sb.tx(ref)?.check_attempts).toBe(1);

    sb.clock.advance(SETTLE_MS + 1_000);
    const settled = await sb.run("status", ref, "--json");
    expect(settled.json()).toMatchObject({ ref, status: "success", state: "paid" });
    expect(sb.tx(ref)).toMatchObject({ status: "paid", settled_by: "reconciler" });
    expect(sb.ledger().map((l) => l.kind)).toEqual(["operator_payment"]);
    expect(await sb.payCalls()).toEqual([expect.objectContaining({ ref, payCount: 1, status: "success" })]);
  });

  it("settles only the row asked about, never other pending payments", async () => {
    const sb = cliSandbox();
    const a = await inquireOk(sb, "bpjs-kesehatan", "8801234561039");
    await sb.run("pay", a);
    const b = await inquireOk(sb, "bpjs-ketenagakerjaan", "8102051011271039");
    await sb.run("pay", b);
    sb.clock.advance(SETTLE_MS + 1_000);
    expect((await sb.run("status", a, "--json")).json()).toMatchObject({ status: "success" });
    expect(sb.tx(b)).toMatchObject({ status: "pending", check_attempts: 0 });
  });

  it("shows a settled row without asking, for a person", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    await sb.run("pay", ref);
    const res = await sb.run("status", ref);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^${ref} \\(operator\\): paid\\n`));
    expect(res.stdout).toContain("provider ref");
  });

  it("maps an unpaid inquiry to unknown and an unknown ref to exit 2", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    expect((await sb.run("status", ref, "--json")).json()).toMatchObject({ ref, status: "unknown", state: "inquired" });
    const missing = await sb.run("status", "LK0000000000AA", "--json");
    expect(missing.code).toBe(2);
    expect(missing.json()).toMatchObject({ status: "rejected", reason: "not_found" });
  });

  it("does not judge a pending row whose provider this CLI is not configured for", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234561039");
    await sb.run("pay", ref);
    const res = await sb.runWith(
      {
        PROVIDERS: "espay",
        ESPAY_SENDER_ID: "x",
        ESPAY_PASSWORD: "x",
        ESPAY_SIGNATURE_KEY: "x",
        ESPAY_BASIC_USER: "x",
        ESPAY_BASIC_PASSWORD: "x",
        ESPAY_BASE_URL: "http://127.0.0.1:9",
      },
      "status",
      ref,
      "--json",
    );
    expect(res.code).toBe(0);
    expect(res.json()).toMatchObject({ status: "pending", state: "pending" });
    expect(res.stderr).toContain("not configured");
    expect(sb.tx(ref)).toMatchObject({ status: "pending", check_attempts: 0 });
  });

  it("--json prints exactly the documented keys", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    const out = (await sb.run("pay", ref, "--json")).json();
    for (const key of ["ref", "status", "product", "number", "name", "bill", "admin", "fee", "total"]) expect(out).toHaveProperty(key);
    expect(["success", "rejected", "pending", "unknown"]).toContain(out["status"]);
    for (const key of ["bill", "admin", "fee", "total"]) expect(Number.isSafeInteger(out[key])).toBe(true);
  });
});
