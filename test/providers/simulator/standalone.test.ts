import { mkdtempSync, rmSync } from "node:fs";
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
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it("main() refuses a port that is not a number", async () => {
  await expect(main({ SIMULATOR_DB: ":memory:", SIMULATOR_PORT: "eighty" }, () => {})).rejects.toThrow(/SIMULATOR_PORT/);
});
