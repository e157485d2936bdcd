import Database from "better-sqlite3";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliSandbox, inquireOk } from "./helpers.ts";

describe("cli backup", () => {
  it("writes a readable copy of the database and prints its path and size", async () => {
    const sb = cliSandbox();
    const ref = await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    const target = join(sb.dir, "backups", "nightly.db");
    const res = await sb.run("backup", target);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(target);
    expect(res.stdout).toContain(`${statSync(target).size} bytes`);

    const copy = new Database(target, { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(copy.prepare("SELECT ref, status FROM transactions").all()).toEqual([{ ref, status: "inquired" }]);
    } finally {
      copy.close();
    }
  });

  it("answers in JSON and never overwrites a file", async () => {
    const sb = cliSandbox();
    await inquireOk(sb, "bpjs-kesehatan", "8801234560000");
    const target = join(sb.dir, "copy.db");
    const res = await sb.run("backup", target, "--json");
    expect(res.json()).toEqual({ path: target, bytes: statSync(target).size });

    const precious = join(sb.dir, "precious.db");
    writeFileSync(precious, "keep me");
    const again = await sb.run("backup", precious);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
    expect(statSync(precious).size).toBe(7);
  });

  it("exits 1 when there is no database yet", async () => {
    const sb = cliSandbox();
    const res = await sb.run("backup", join(sb.dir, "x.db"));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("No database");
    expect(existsSync(join(sb.dir, "x.db"))).toBe(false);
  });
});
