import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, vi } from "vitest";
import { it } from "../fixtures.ts";
import { checkInvariants, crashAfterConfirm, crashAfterPayRequest, fakeClock, type Harness, type PayerDriver } from "../helpers/app-harness.ts";
import { toBill } from "../helpers/flows.ts";
import { autopayMe, runsOf, tick, userIdOf, wib, withSavedNumber } from "../helpers/reminders.ts";
import type { PayResult } from "../../src/domain/payments/payment-service.ts";
import type { TxRow } from "../../src/db/transactions-repo.ts";

/** 8801234560000 in the simulator: 4 participants, Rp140.000 + Rp2.500 admin. */
const TOTAL = 142_500;

function files() {
  const dir = mkdtempSync(join(tmpdir(), "loket-autopay-"));
  return { databasePath: join(dir, "loket.db"), simulatorDbPath: join(dir, "sim.db") };
}

/** Pay requests the simulator received (apps sharing a simulator file see the same records). */
function payCalls(h: Harness): number {
  return h.app.simulator!.payCalls().reduce((m, c) => m + c.payCount, 0);
}

function paidFor(h: Harness, number: string): TxRow[] {
  return h.app.db.prepare("SELECT * FROM transactions WHERE customer_number = ? AND status = 'paid'").all(number) as TxRow[];
}

/** The payer with auto-pay on the 5th for a saved number, set up through the conversation on 1 December. */
async function withAutopay(h: Harness, p: PayerDriver, opts: { number?: string; ceiling?: string; day?: number } = {}) {
  const saved = await withSavedNumber(h, p, { number: opts.number ?? "8801234560000" });
  const on = await autopayMe(p, saved.savedId, opts.day ?? 5, opts.ceiling ?? "200rb");
  expect(on).toContain("Bayar otomatis untuk Ibu menyala");
  return saved;
}

const autopayRun = (h: Harness, period = "2026-12") => runsOf(h, "autopay").find((r) => r.period === period);

describe("auto-pay", () => {
  it("the day before: a notice; on the day: paid through the ordinary path, receipt sent, once", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7001");
    await withAutopay(h, p);
    clock.set(wib(2026, 12, 4, 9));
    await tick(h);
    expect(p.lastText()).toContain("Besok, 5 Desember 2026");
    expect(p.lastText()).toContain("cukup");
    clock.set(wib(2026, 12, 5, 8, 59));
    await tick(h);
    expect(payCalls(h)).toBe(0);
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(p.lastText()).toContain("Pembayaran berhasil");
    expect(payCalls(h)).toBe(1);
    const [tx] = paidFor(h, "8801234560000");
    expect(tx!.total).toBe(TOTAL);
    expect(h.app.repos.ledger.rowsForTx(tx!.ref).find((r) => r.kind === "hold")!.actor).toBe(`autopay:run:${autopayRun(h)!.id}`);
    expect(autopayRun(h)).toMatchObject({ status: "done", reason: "paid", tx_ref: tx!.ref });
    for (const at of [wib(2026, 12, 5, 9, 1), wib(2026, 12, 5, 23), wib(2026, 12, 20, 10)]) {
      clock.set(at);
      await tick(h);
    }
    expect(payCalls(h)).toBe(1);
    // January's on 5 January, after the notice on the 4th.
    clock.set(wib(2027, 1, 5, 9, 30));
    await tick(h);
    expect(payCalls(h)).toBe(2);
    expect(h.app.repos.ledger.balance(userIdOf(h, p))).toBe(1_000_000 - 2 * TOTAL);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("the standing confirmation is recorded with who and when, and audited", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7002");
    const { userId, savedId } = await withAutopay(h, p);
    expect(h.app.repos.reminderSettings.get(userId, savedId)).toMatchObject({
      autopay: 1,
      autopay_day: 5,
      autopay_ceiling: 200_000,
      autopay_confirmed_at: clock.now(),
      autopay_confirmed_by: expect.stringMatching(/^telegram:U/),
    });
    const audit = h.app.db.prepare("SELECT action, details FROM audit WHERE action = 'autopay_on'").all() as { details: string }[];
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ day: 5, ceiling: 200_000 });
  });

  it("already paid this month (our own records): told, nothing inquired or paid", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7003");
    await withAutopay(h, p);
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    await p.tap("months:1");
    await p.tapLike("pay:");
    expect(payCalls(h)).toBe(1);
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(p.lastText()).toContain("sudah dibayar");
    expect(payCalls(h)).toBe(1);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "already_paid", tx_ref: null });
  });

  it("already paid at the biller (the provider says so): told, nothing paid", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 5, 9));
    const h = await bot({}, { clock });
    const p = h.payer("7004");
    await withAutopay(h, p, { number: "8801234560001", day: 6 });
    clock.set(wib(2026, 12, 6, 9));
    await tick(h);
    expect(p.lastText()).toContain("sudah dibayar");
    expect(payCalls(h)).toBe(0);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "already_paid" });
  });

  it("above the ceiling: the ordinary confirm screen, nothing paid until the payer taps Pay", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7005");
    await withAutopay(h, p, { ceiling: "100rb" });
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    const texts = p.since(p.messages().length - 2);
    expect(texts).toContain("di atas batas Anda Rp100.000");
    expect(texts).toContain("Tagihan BPJS Kesehatan");
    expect(p.last().choices!.flat()[0]!.id).toMatch(/^pay:/);
    expect(payCalls(h)).toBe(0);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "over_ceiling" });
    expect(await p.tapLike("pay:")).toContain("Pembayaran berhasil");
    expect(payCalls(h)).toBe(1);
    clock.advance(60_000);
    await tick(h);
    expect(payCalls(h)).toBe(1);
  });

  it("a bill showing arrears (more months than asked for): the ordinary confirm screen", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7006");
    await withAutopay(h, p, { ceiling: "10jt" });
    // The provider answers with three months for a one-month inquiry.
    const inquire = h.app.payments.inquire.bind(h.app.payments);
    vi.spyOn(h.app.payments, "inquire").mockImplementation(async (ref) => {
      await inquire(ref);
      h.app.db.prepare("UPDATE transactions SET period = '03' WHERE ref = ?").run(ref);
      return h.app.repos.transactions.get(ref)!;
    });
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(p.since(p.messages().length - 2)).toContain("tunggakan");
    expect(payCalls(h)).toBe(0);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "arrears" });
  });

  it("balance short: asked to top up; paid the same day once the money is in", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({ DEMO_BALANCE: "50000" }, { clock });
    const p = h.payer("7007");
    await withAutopay(h, p);
    clock.set(wib(2026, 12, 4, 9));
    await tick(h);
    expect(p.lastText()).toContain("belum cukup");
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(p.lastText()).toContain("Isi saldo paling sedikit Rp92.500");
    expect(p.lastText()).toContain("/isi 93000");
    expect(autopayRun(h)).toMatchObject({ status: "waiting_funds" });
    clock.set(wib(2026, 12, 5, 11));
    await tick(h);
    expect(payCalls(h)).toBe(0);
    // The payer asks, an admin approves: the next tick pays.
    await p.say("/isi 100000");
    const admin = h.payer("9000");
    await admin.tapLike("topup:approve:");
    clock.set(wib(2026, 12, 5, 11, 1));
    await tick(h);
    expect(payCalls(h)).toBe(1);
    expect(p.lastText()).toContain("Pembayaran berhasil");
    expect(autopayRun(h)).toMatchObject({ status: "done" });
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("balance short: a credit announced through onBalanceCredited pays at once", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 5, 8));
    const h = await bot({ DEMO_BALANCE: "50000" }, { clock });
    const p = h.payer("7008");
    const { userId } = await withAutopay(h, p);
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "waiting_funds" });
    await h.app.commits.run(() => h.app.repos.ledger.post({ userId, amount: 100_000, kind: "topup", actor: "gateway", now: clock.now() }));
    await h.app.reminders.onBalanceCredited(userId);
    await h.settle();
    expect(payCalls(h)).toBe(1);
    expect(autopayRun(h)).toMatchObject({ status: "done" });
  });

  it("balance short: an admin's /topup wakes the waiting auto-payment at once, not at the next tick", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 5, 8));
    const h = await bot({ DEMO_BALANCE: "50000" }, { clock });
    const p = h.payer("7011");
    const { userId } = await withAutopay(h, p);
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "waiting_funds" });
    const publicId = h.app.repos.users.findById(userId)!.public_id;
    expect(await h.payer("9000").say(`/topup ${publicId} 100000`)).toContain("Rp100.000");
    await vi.waitFor(() => expect(payCalls(h)).toBe(1));
    await h.app.reminders.idle();
    await h.settle();
    expect(autopayRun(h)).toMatchObject({ status: "done" });
    expect(p.lastText()).toContain("Pembayaran berhasil");
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("balance short and no money that day: the run ends skipped at WIB midnight, nothing paid", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 5, 8));
    const h = await bot({ DEMO_BALANCE: "50000" }, { clock });
    const p = h.payer("7009");
    const { userId } = await withAutopay(h, p);
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    clock.set(wib(2026, 12, 6, 0, 0));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "no_funds" });
    // Money the next day pays nothing: the day is over.
    await h.app.commits.run(() => h.app.repos.ledger.post({ userId, amount: 500_000, kind: "topup", actor: "admin", now: clock.now() }));
    await h.app.reminders.onBalanceCredited(userId);
    clock.set(wib(2026, 12, 6, 9));
    await tick(h);
    expect(payCalls(h)).toBe(0);
  });

  it("a provider failure takes the ordinary failure path: refunded, told, the run ends failed with the reason", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 5, 8));
    const h = await bot({}, { clock });
    const p = h.payer("7010");
    const { userId } = await withAutopay(h, p, { number: "8801234561037" });
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(payCalls(h)).toBe(1);
    expect(autopayRun(h)).toMatchObject({ status: "claimed" }); // pending at the provider
    clock.advance(5_000);
    await h.app.reconciler.runDue();
    await h.settle();
    expect(p.lastText()).toContain("gagal");
    await tick(h);
    expect(autopayRun(h)!.status).toBe("failed");
    expect(autopayRun(h)!.reason).toMatch(/^pay_/);
    expect(h.app.repos.ledger.balance(userId)).toBe(1_000_000);
    // Not tried again that period.
    clock.set(wib(2026, 12, 5, 15));
    await tick(h);
    expect(payCalls(h)).toBe(1);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("an inquiry the provider cannot answer: the run ends failed, the payer is offered to pay by hand", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 5, 8));
    const h = await bot({}, { clock });
    const p = h.payer("7011");
    const { savedId } = await withAutopay(h, p, { number: "8801234560103" });
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(p.lastText()).toContain("tidak bisa dicek");
    expect(p.last().choices!.flat()[0]!.id).toBe(`rem:pay:${savedId}`);
    expect(autopayRun(h)).toMatchObject({ status: "failed", reason: "inquiry_unavailable_timeout" });
    expect(payCalls(h)).toBe(0);
  });

  it("auto-pay off (or /pengingat off) stops what is planned and what waits for money, at once", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({ DEMO_BALANCE: "50000" }, { clock });
    const p = h.payer("7012");
    const { userId } = await withAutopay(h, p, { day: 5 });
    await withAutopay(h, p, { number: "8801234569999", day: 9 });
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "waiting_funds" });
    expect(await p.say("/pengingat off")).toContain("dimatikan");
    expect(runsOf(h).filter((r) => r.status === "planned")).toEqual([]);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "off" });
    await h.app.commits.run(() => h.app.repos.ledger.post({ userId, amount: 500_000, kind: "topup", actor: "admin", now: clock.now() }));
    for (const at of [wib(2026, 12, 5, 10), wib(2026, 12, 9, 9)]) {
      clock.set(at);
      await tick(h);
    }
    expect(payCalls(h)).toBe(0);
  });

  it("day 1 across the year end: the notice on 31 December, the payment on 1 January after 09:00 WIB", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 20, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7013");
    await withAutopay(h, p, { day: 1 });
    clock.set(wib(2026, 12, 31, 9));
    await tick(h);
    expect(p.lastText()).toContain("Besok, 1 Januari 2027");
    for (const at of [wib(2026, 12, 31, 23, 59), wib(2027, 1, 1, 0, 0), wib(2027, 1, 1, 8, 59)]) {
      clock.set(at);
      await tick(h);
    }
    expect(payCalls(h)).toBe(0);
    clock.set(wib(2027, 1, 1, 9));
    await tick(h);
    expect(payCalls(h)).toBe(1);
    expect(autopayRun(h, "2027-01")).toMatchObject({ status: "done" });
  });

  it("a clock stepping back and forth pays nothing twice", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 5, 9));
    const h = await bot({}, { clock });
    const p = h.payer("7014");
    await withAutopay(h, p, { day: 6 });
    clock.set(wib(2026, 12, 6, 9));
    await tick(h);
    expect(payCalls(h)).toBe(1);
    for (const at of [wib(2026, 12, 5, 9), wib(2026, 12, 6, 10), wib(2026, 11, 6, 10), wib(2026, 12, 6, 12)]) {
      clock.set(at);
      await tick(h);
    }
    expect(payCalls(h)).toBe(1);
  });

  it("two tickers on one database (two processes) make one auto-payment", async ({ bot }) => {
    const f = files();
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h1 = await bot({}, { ...f, clock });
    const h2 = await bot({}, { ...f, clock });
    const p = h1.payer("7015");
    await withAutopay(h1, p);
    clock.set(wib(2026, 12, 5, 9));
    await Promise.all([h1.app.reminders.tick(), h2.app.reminders.tick(), h2.app.reminders.tick()]);
    await Promise.all([h1.settle(), h2.settle()]);
    expect(payCalls(h1)).toBe(1);
    expect(paidFor(h1, "8801234560000")).toHaveLength(1);
    // The second process never touched the person: no inquiry of its own was cut short.
    expect(h1.app.db.prepare("SELECT COUNT(*) AS n FROM transactions").get()).toEqual({ n: 1 });
    expect(checkInvariants(h1.app)).toEqual([]);
  });

  it("a crash right after the confirm: the new process never pays again; the run ends with the payment", async ({ bot }) => {
    const f = files();
    const clock = fakeClock(wib(2026, 12, 5, 8));
    const h1 = await bot({}, { ...f, clock });
    const p = h1.payer("7016");
    const { userId } = await withAutopay(h1, p);
    // The process dies between the durable confirm and the pay request.
    let release: (r: PayResult) => void = () => undefined;
    vi.spyOn(h1.app.payments, "pay").mockImplementation(async (ref) => {
      crashAfterConfirm(h1.app, ref, userId);
      return new Promise<PayResult>((r) => (release = r));
    });
    try {
      clock.set(wib(2026, 12, 5, 9));
      void h1.app.reminders.tick();
      await vi.waitFor(() => expect(autopayRun(h1)?.tx_ref).not.toBeNull());
      await vi.waitFor(() => expect(h1.app.repos.transactions.get(autopayRun(h1)!.tx_ref!)!.status).toBe("paying"));
      const h2 = await bot({}, { ...f, clock });
      await h2.app.recover();
      await tick(h2);
      clock.advance(120_000); // past "never received"'s grace
      await h2.app.reconciler.runDue();
      await tick(h2);
      expect(payCalls(h2)).toBe(0);
      expect(autopayRun(h2)).toMatchObject({ status: "failed", reason: "pay_not_received" });
      expect(h2.app.repos.ledger.balance(userId)).toBe(1_000_000);
      expect(h2.sent.some((s) => s.address === "7016" && s.message.text.includes("gagal"))).toBe(true);
      // Later that day: not paid again (one auto-payment per number per period, whatever happens).
      clock.set(wib(2026, 12, 5, 15));
      await tick(h2);
      expect(payCalls(h2)).toBe(0);
      expect(checkInvariants(h2.app)).toEqual([]);
    } finally {
      release({ kind: "refused", why: "not_found" }); // the dead process's promise, so it can be closed
    }
  });

  it("a crash after the pay request left: settled as paid by the status check, receipt sent, no second payment", async ({ bot }) => {
    const f = files();
    const clock = fakeClock(wib(2026, 12, 5, 8));
    const h1 = await bot({}, { ...f, clock });
    const p = h1.payer("7017");
    const { userId } = await withAutopay(h1, p);
    let release: (r: PayResult) => void = () => undefined;
    vi.spyOn(h1.app.payments, "pay").mockImplementation(async (ref) => {
      await crashAfterPayRequest(h1.app, ref, userId);
      return new Promise<PayResult>((r) => (release = r));
    });
    try {
      clock.set(wib(2026, 12, 5, 9));
      void h1.app.reminders.tick();
      await vi.waitFor(() => expect(payCalls(h1)).toBe(1));
      const h2 = await bot({}, { ...f, clock });
      await h2.app.recover();
      await h2.app.reconciler.runDue();
      await tick(h2);
      expect(autopayRun(h2)).toMatchObject({ status: "done", reason: "paid" });
      expect(h2.sent.filter((s) => s.address === "7017" && s.message.text.includes("Pembayaran berhasil"))).toHaveLength(1);
      clock.set(wib(2026, 12, 5, 15));
      await tick(h2);
      expect(payCalls(h2)).toBe(1);
      expect(checkInvariants(h2.app)).toEqual([]);
    } finally {
      release({ kind: "refused", why: "not_found" });
    }
  });

  it("claimed but unfinished (the inquiry cut off by a crash): the restart tries again and pays once", async ({ bot }) => {
    const f = files();
    const clock = fakeClock(wib(2026, 12, 5, 8));
    const h1 = await bot({}, { ...f, clock });
    const p = h1.payer("7018");
    await withAutopay(h1, p);
    let release: (tx: TxRow) => void = () => undefined;
    vi.spyOn(h1.app.payments, "inquire").mockImplementation(() => new Promise<TxRow>((r) => (release = r)));
    try {
      clock.set(wib(2026, 12, 5, 9));
      void h1.app.reminders.tick();
      await vi.waitFor(() => expect(autopayRun(h1)?.tx_ref).not.toBeNull());
      const cutOff = autopayRun(h1)!.tx_ref!;
      const h2 = await bot({}, { ...f, clock });
      await h2.app.recover();
      expect(autopayRun(h2)).toMatchObject({ status: "planned", tx_ref: null });
      expect(h2.app.repos.transactions.get(cutOff)!.status).toBe("inquiry_failed");
      clock.advance(60_000);
      await tick(h2);
      expect(autopayRun(h2)).toMatchObject({ status: "done" });
      expect(payCalls(h2)).toBe(1);
      expect(paidFor(h2, "8801234560000")).toHaveLength(1);
      expect(checkInvariants(h2.app)).toEqual([]);
    } finally {
      release(h1.app.repos.transactions.get(autopayRun(h1)!.tx_ref ?? "")!);
    }
  });

  it("a payment pending at the month's end and settled on the 1st pays the month it was made in, not the next", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7020");
    // ...1039: the simulator answers the pay "pending"; a later status check says paid.
    await withAutopay(h, p, { number: "8801234561039", day: 28 });
    clock.set(wib(2026, 12, 28, 9));
    await tick(h);
    expect(payCalls(h)).toBe(1);
    clock.set(wib(2027, 1, 1, 0, 30));
    await h.app.reconciler.runDue();
    await h.settle();
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "done", reason: "paid" });
    // January is not paid: its auto-payment is made, not skipped as already paid.
    clock.set(wib(2027, 1, 28, 9));
    await tick(h);
    expect(autopayRun(h, "2027-01")).not.toMatchObject({ status: "skipped" });
    expect(payCalls(h)).toBe(2);
    clock.set(wib(2027, 1, 29, 9));
    await h.app.reconciler.runDue();
    await h.settle();
    await tick(h);
    expect(autopayRun(h, "2027-01")).toMatchObject({ status: "done", reason: "paid" });
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a bill paid by hand at 23:50 on the 31st and settled after midnight does not hide the next month's auto-payment", async ({ bot }) => {
    const clock = fakeClock(wib(2027, 1, 20, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7021");
    await withAutopay(h, p, { number: "8801234561039", day: 3 });
    clock.set(wib(2027, 1, 31, 23, 50));
    await toBill(p, "8801234561039");
    await p.tapLike("pay:");
    expect(payCalls(h)).toBe(1);
    clock.set(wib(2027, 2, 1, 0, 10));
    await h.app.reconciler.runDue();
    await h.settle();
    clock.set(wib(2027, 2, 3, 9));
    await tick(h);
    expect(autopayRun(h, "2027-02")).not.toMatchObject({ status: "skipped" });
    expect(payCalls(h)).toBe(2);
  });

  it("REMINDERS=false: a credit does not wake an auto-payment waiting for money", async ({ bot }) => {
    const f = files();
    const clock = fakeClock(wib(2026, 12, 5, 8));
    const h1 = await bot({ DEMO_BALANCE: "50000" }, { ...f, clock });
    const p = h1.payer("7022");
    const { userId } = await withAutopay(h1, p);
    clock.set(wib(2026, 12, 5, 9));
    await tick(h1);
    expect(autopayRun(h1)).toMatchObject({ status: "waiting_funds" });
    await h1.close();
    // The operator restarts with the switch off; an admin credits the payer the same day.
    const h2 = await bot({ DEMO_BALANCE: "50000", REMINDERS: "false" }, { ...f, clock });
    clock.set(wib(2026, 12, 5, 10));
    const publicId = h2.app.repos.users.findById(userId)!.public_id;
    expect(await h2.payer("9000").say(`/topup ${publicId} 100000`)).toContain("Rp100.000");
    await h2.app.reminders.onBalanceCredited(userId);
    await h2.app.reminders.idle();
    await h2.settle();
    expect(payCalls(h2)).toBe(0);
    expect(autopayRun(h2)).toMatchObject({ status: "waiting_funds" });
  });

  it("set up again after this month's ran over the ceiling: planned again for the new day, as the confirmation says", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7023");
    const { savedId } = await withAutopay(h, p, { ceiling: "100rb" });
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "over_ceiling" });
    // The payer does not tap Pay; they raise the ceiling and move the day to the 10th.
    clock.set(wib(2026, 12, 5, 10));
    expect(await autopayMe(p, savedId, 10, "200rb")).toContain("Yang pertama 10 Desember 2026");
    expect(autopayRun(h)).toMatchObject({ status: "planned", reason: null, tx_ref: null });
    clock.set(wib(2026, 12, 10, 9));
    await tick(h);
    expect(payCalls(h)).toBe(1);
    expect(autopayRun(h)).toMatchObject({ status: "done", reason: "paid" });
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("set up again while this month's waits for money: planned again for the new day, paid then", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({ DEMO_BALANCE: "50000" }, { clock });
    const p = h.payer("7024");
    const { savedId, userId } = await withAutopay(h, p);
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "waiting_funds" });
    clock.set(wib(2026, 12, 5, 12));
    expect(await autopayMe(p, savedId, 20, "200rb")).toContain("Yang pertama 20 Desember 2026");
    await h.app.commits.run(() => h.app.repos.ledger.post({ userId, amount: 500_000, kind: "topup", actor: "admin", now: clock.now() }));
    clock.set(wib(2026, 12, 20, 9));
    await tick(h);
    expect(payCalls(h)).toBe(1);
    expect(autopayRun(h)).toMatchObject({ status: "done", reason: "paid" });
  });

  it("set up again after this month was paid: the payer is told next month, and nothing is paid twice", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7025");
    const { savedId } = await withAutopay(h, p);
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "done" });
    clock.set(wib(2026, 12, 5, 10));
    await p.tap(`rem:autopay:${savedId}`);
    await p.say("10");
    expect(await p.say("200rb")).toContain("mulai 10 Januari 2027");
    expect(await p.tap("rem:apyes")).toContain("Yang pertama 10 Januari 2027");
    expect(autopayRun(h)).toMatchObject({ status: "done" });
    clock.set(wib(2026, 12, 10, 9));
    await tick(h);
    expect(payCalls(h)).toBe(1);
  });

  it("set up again after this month's was skipped as paid at the biller: not planned again, told next month", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7026");
    const { savedId } = await withAutopay(h, p, { ceiling: "100rb" });
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "over_ceiling" });
    // Paid by hand from the confirm screen the auto-payment showed, then set up again.
    expect(await p.tapLike("pay:")).toContain("Pembayaran berhasil");
    clock.set(wib(2026, 12, 5, 10));
    expect(await autopayMe(p, savedId, 10, "200rb")).toContain("Yang pertama 10 Januari 2027");
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "over_ceiling" });
    clock.set(wib(2026, 12, 10, 9));
    await tick(h);
    expect(payCalls(h)).toBe(1);
  });

  it("the bot down through the auto-pay day: the payer, promised a payment, is told it did not happen, once, with Pay now", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7027");
    const { savedId } = await withAutopay(h, p);
    clock.set(wib(2026, 12, 4, 9));
    await tick(h);
    expect(p.lastText()).toContain("Besok, 5 Desember 2026");
    // Back at 03:00 on the 6th: the run ends, and the word waits for the morning.
    clock.set(wib(2026, 12, 6, 3));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "late" });
    expect(p.lastText()).toContain("Besok, 5 Desember 2026");
    clock.set(wib(2026, 12, 6, 7));
    await tick(h);
    expect(p.lastText()).toContain("untuk Desember 2026 tidak terlaksana");
    expect(p.last().choices).toEqual([[expect.objectContaining({ id: `rem:pay:${savedId}` })]]);
    const told = p.messages().length;
    clock.set(wib(2026, 12, 6, 8));
    await tick(h);
    expect(p.messages()).toHaveLength(told);
    expect(payCalls(h)).toBe(0);
    // Its Pay now works from any screen: the ordinary inquiry of that number.
    expect(await p.tap(`rem:pay:${savedId}`)).toContain("Rp142.500");
  });

  it("claimed by a process that died before acting, at the day's last minute: the restart lets the day pass and tells the payer", async ({ bot }) => {
    const f = files();
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h1 = await bot({ REMINDER_HOUR: "23" }, { ...f, clock });
    const p = h1.payer("7028");
    await withAutopay(h1, p);
    clock.set(wib(2026, 12, 4, 10));
    await tick(h1);
    const run = autopayRun(h1)!;
    clock.set(wib(2026, 12, 5, 23, 59) + 59_000);
    await h1.app.commits.run(() => h1.app.repos.reminderRuns.claim(run.id, "planned", clock.now()));
    clock.set(wib(2026, 12, 6, 0, 1));
    const h2 = await bot({ REMINDER_HOUR: "23" }, { ...f, clock });
    await h2.app.recover();
    for (const at of [wib(2026, 12, 6, 0, 2), wib(2026, 12, 6, 0, 20), wib(2026, 12, 6, 0, 21), wib(2026, 12, 6, 9)]) {
      clock.set(at);
      await tick(h2);
    }
    expect(payCalls(h2)).toBe(0);
    expect(autopayRun(h2)).toMatchObject({ status: "skipped" });
    const told = h2.sent.filter((s) => s.address === "7028").map((s) => s.message.text);
    expect(told).toEqual([expect.stringContaining("tidak terlaksana")]);
  });

  it("told 'paying' and cut off before the confirm, back after midnight: nothing paid, and the payer is told so in the morning", async ({ bot }) => {
    const f = files();
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h1 = await bot({ REMINDER_HOUR: "23" }, { ...f, clock });
    const p = h1.payer("7029");
    await withAutopay(h1, p);
    let release: (r: PayResult) => void = () => undefined;
    vi.spyOn(h1.app.payments, "pay").mockImplementation(() => new Promise<PayResult>((r) => (release = r)));
    try {
      clock.set(wib(2026, 12, 5, 23, 30));
      void h1.app.reminders.tick();
      await vi.waitFor(() => expect(h1.app.payments.pay).toHaveBeenCalled());
      await h1.app.outbox.flush();
      expect(h1.sent.filter((s) => s.address === "7029").at(-1)!.message.text).toContain("membayar Rp142.500");
      clock.set(wib(2026, 12, 6, 0, 5));
      const h2 = await bot({ REMINDER_HOUR: "23" }, { ...f, clock });
      await h2.app.recover();
      await h2.settle();
      clock.set(wib(2026, 12, 6, 0, 6));
      await tick(h2);
      expect(autopayRun(h2)).toMatchObject({ status: "skipped", reason: "late" });
      expect(h2.sent.filter((s) => s.address === "7029")).toHaveLength(0); // quiet hours
      clock.set(wib(2026, 12, 6, 9));
      await tick(h2);
      expect(payCalls(h2)).toBe(0);
      expect(h2.sent.filter((s) => s.address === "7029").map((s) => s.message.text)).toEqual([expect.stringContaining("tidak terlaksana")]);
    } finally {
      release({ kind: "refused", why: "not_found" });
    }
  });

  it("no word about a missed auto-payment whose bill was paid by hand meanwhile", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({ DEMO_BALANCE: "50000" }, { clock });
    const p = h.payer("7030");
    const { userId } = await withAutopay(h, p);
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "waiting_funds" });
    clock.set(wib(2026, 12, 6, 0, 0));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "no_funds" });
    await h.app.commits.run(() => h.app.repos.ledger.post({ userId, amount: 500_000, kind: "topup", actor: "admin", now: clock.now() }));
    clock.set(wib(2026, 12, 6, 6, 30));
    await toBill(p);
    expect(await p.tapLike("pay:")).toContain("Pembayaran berhasil");
    const before = p.messages().length;
    clock.set(wib(2026, 12, 6, 7));
    await tick(h);
    expect(p.messages()).toHaveLength(before);
  });

  it("over the ceiling while the payer sets up another number's day: said aside, their typed '1' is still the 1st, nothing paid", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7031");
    const a = await withSavedNumber(h, p, { number: "8801234560000", label: "Ibu" });
    const b = await withSavedNumber(h, p, { number: "8801234562222", label: "Ayah" });
    await autopayMe(p, a.savedId, 5, "100rb"); // Rp142.500 is above this ceiling
    clock.set(wib(2026, 12, 5, 8, 59));
    expect(await p.tap(`rem:autopay:${b.savedId}`)).toContain("tanggal berapa");
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(autopayRun(h)).toMatchObject({ status: "skipped", reason: "over_ceiling" });
    const aside = p.last();
    expect(aside.text).toContain("di atas batas");
    expect(aside.nonce).toBeUndefined();
    expect(aside.choices).toEqual([[expect.objectContaining({ id: expect.stringMatching(/^apbill:LK/), label: "Bayar Rp142.500" })]]);
    clock.advance(5_000);
    expect(await p.say("1")).toContain("batas");
    expect(payCalls(h)).toBe(0);
    expect(h.app.repos.ledger.balance(userIdOf(h, p))).toBe(1_000_000);
    // Its own button still pays that bill, from any screen, once.
    expect(await p.tap(aside.choices![0]![0]!.id)).toContain("Pembayaran berhasil");
    expect(payCalls(h)).toBe(1);
    expect(paidFor(h, "8801234560000")).toHaveLength(1);
  });

  it("over the ceiling while the payer is on another bill's screen: their 'ya' pays their bill, not the auto-payment's", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("7032");
    const a = await withSavedNumber(h, p, { number: "8801234560000", label: "Ibu" });
    await autopayMe(p, a.savedId, 5, "100rb");
    clock.set(wib(2026, 12, 5, 8, 58));
    expect(await toBill(p, "8801234562222")).toContain("8801234562222");
    clock.set(wib(2026, 12, 5, 9));
    await tick(h);
    expect(p.lastText()).toContain("di atas batas");
    clock.advance(5_000);
    await p.say("ya");
    const paying = h.app.db.prepare("SELECT customer_number FROM transactions WHERE status IN ('paid', 'paying', 'pending')").all() as {
      customer_number: string;
    }[];
    expect(paying.map((r) => r.customer_number)).toEqual(["8801234562222"]);
  });
});
