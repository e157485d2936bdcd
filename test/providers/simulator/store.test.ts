import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { setup, type Harness } from "./harness.ts";

let dir: string;
let open: Harness[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "loket-sim-"));
});
afterEach(async () => {
  await Promise.all(open.map((h) => h.close()));
  open = [];
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<Harness> {
  const h = await setup({ dbPath: join(dir, "sim.db"), settleAfterMs: 60_000, initialDeposit: 2_000_000 });
  open.push(h);
  return h;
}

it("a restarted simulator on the same file answers checkstatus truthfully and keeps the deposit", async () => {
  const first = await start();
  const paid = await first.iakInquiry("BPJS", "8801234560000");
  const pending = await first.iakInquiry("BPJS", "8801234561039");
  const inquiredOnly = await first.iakInquiry("BPJSTK", "8102051011270000");
  const payPaid = await first.iakPay(paid.data["tr_id"]);
  await first.iakPay(pending.data["tr_id"]);
  const deposit = first.sim.deposit();
  expect(deposit).toBeLessThan(2_000_000);
  await first.close();
  open = [];

  const second = await start();
  second.clock.set(first.clock.now());
  expect(second.sim.deposit()).toBe(deposit);
  expect((await second.iakStatus(paid.ref)).data).toMatchObject({ status: 1, response_code: "00", noref: payPaid.data["noref"] });
  expect((await second.iakStatus(pending.ref)).data).toMatchObject({ status: 3, response_code: "39" });
  expect((await second.iakStatus(inquiredOnly.ref)).data).toMatchObject({ status: 0, response_code: "42" });
  // The ref stays spent, and tr_ids keep increasing.
  expect((await second.iakInquiry("BPJS", "8801234560000", { ref: paid.ref })).data["response_code"]).toBe("11");
  const fresh = await second.iakInquiry("BPJS", "8801234560000");
  expect(Number(fresh.data["tr_id"])).toBeGreaterThan(Number(inquiredOnly.data["tr_id"]));
  // A re-pay after the restart is still recognised as a repeat.
  expect((await second.iakPay(paid.data["tr_id"])).data["response_code"]).toBe("01");

  second.clock.advance(60_000);
  expect((await second.iakStatus(pending.ref)).data).toMatchObject({ status: 1, response_code: "00" });
  expect(second.sim.payCalls().map((c) => [c.ref, c.payCount, c.status])).toEqual([
    [paid.ref, 2, "success"],
    [pending.ref, 1, "success"],
  ]);
});
