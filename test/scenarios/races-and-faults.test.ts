import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { toBill, payCount } from "../helpers/flows.ts";
import { inTransaction } from "../../src/db/open.ts";
import { checkInvariants, crashAfterConfirm, crashAfterPayRequest, fakeClock, type Harness } from "../helpers/app-harness.ts";

function balanceOf(h: Harness, id: string): number {
  return h.app.repos.ledger.balance(h.app.repos.users.findByIdentity("telegram", id)!.id);
}

describe("double confirms", () => {
  it("a second tap on Pay after paying says it is paid and does not pay again", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("4001");
    await toBill(p);
    const pay = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("pay:"))!;
    const nonce = p.last().nonce!;
    await p.tap(pay.id, { nonce });
    const second = await p.tap(pay.id, { nonce });
    expect(second).toContain("sudah dibayar");
    expect(payCount(h)).toBe(1);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a re-delivered confirm (same update id) has no effect at all", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("4002");
    await toBill(p);
    const pay = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("pay:"))!;
    const nonce = p.last().nonce!;
    await p.tap(pay.id, { nonce, messageId: "upd-77" });
    const again = await p.tap(pay.id, { nonce, messageId: "upd-77" });
    expect(again).toBe("");
    expect(payCount(h)).toBe(1);
  });

  it("two confirms at once (two devices) make one pay call", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("4003");
    await toBill(p);
    const pay = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("pay:"))!;
    const nonce = p.last().nonce!;
    const ev = (id: string) => ({ platform: "telegram" as const, userId: "4003", address: "4003", messageId: id, choice: { id: pay.id, nonce } });
    await Promise.all([h.app.engine.handle(ev("a")), h.app.engine.handle(ev("b")), h.app.engine.handle(ev("c"))]);
    await h.settle();
    expect(payCount(h)).toBe(1);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a stale confirm after the inquiry expired pays nothing and says so", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("4004");
    await toBill(p);
    h.clock.advance(11 * 60_000);
    const text = await p.tapLike("pay:");
    expect(text).toContain("sudah habis");
    expect(payCount(h)).toBe(0);
    expect(balanceOf(h, "4004")).toBe(1_000_000);
  });

  it("validity never passes 24:00 WIB: a bill checked at 23:55 WIB expires at midnight", async ({ bot }) => {
    const clock = fakeClock(Date.UTC(2026, 10, 22, 16, 55)); // 23:55 WIB
    const h = await bot({}, { clock });
    const p = h.payer("4005");
    await toBill(p);
    clock.advance(6 * 60_000); // 00:01 WIB, within the 10-minute TTL
    expect(await p.tapLike("pay:")).toContain("sudah habis");
    expect(payCount(h)).toBe(0);
  });

  it("one open payment per bill: a second payer cannot start on a bill being paid", async ({ bot }) => {
    const h = await bot();
    const a = h.payer("4006");
    const b = h.payer("4007");
    await toBill(a, "8801234561039");
    await a.tapLike("pay:");
    const text = await toBill(b, "8801234561039");
    expect(text).toContain("sedang dalam proses pembayaran");
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a bill already paid today needs an extra confirm", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("4008");
    await toBill(p);
    await p.tapLike("pay:");
    await toBill(p);
    const warn = await p.tapLike("pay:");
    expect(warn).toContain("sudah dibayar hari ini");
    expect(payCount(h)).toBe(1);
    expect(await p.tapLike("payagain:")).toContain("Pembayaran berhasil");
    expect(payCount(h)).toBe(2);
  });

  it("cannot pay with too little balance; nothing is held", async ({ bot }) => {
    const h = await bot({ DEMO_BALANCE: "1000" });
    const p = h.payer("4009");
    const bill = await toBill(p);
    expect(bill).toContain("belum cukup");
    expect(
      p
        .last()
        .choices!.flat()
        .some((c) => c.id.startsWith("pay:")),
    ).toBe(false);
    expect(payCount(h)).toBe(0);
  });
});

describe("restarts at every step", () => {
  function files() {
    const dir = mkdtempSync(join(tmpdir(), "loket-restart-"));
    return { databasePath: join(dir, "loket.db"), simulatorDbPath: join(dir, "sim.db") };
  }

  it("mid-flow: a new engine on the same file resumes the conversation", async ({ bot }) => {
    const f = files();
    const clock = fakeClock();
    const h1 = await bot({}, { ...f, clock });
    const p1 = h1.payer("5001");
    await p1.say("/start");
    await p1.tap("product:bpjs-kesehatan");
    const h2 = await bot({}, { ...f, clock });
    const p2 = h2.payer("5001");
    const text = await p2.say("8801234560000");
    expect(text).toContain("berapa bulan");
  });

  it("between the hold and the pay call: never re-paid; refunded once the provider says it never arrived", async ({ bot }) => {
    const f = files();
    const clock = fakeClock();
    const h1 = await bot({}, { ...f, clock });
    const p = h1.payer("5002");
    await toBill(p);
    const ref = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("pay:"))!
      .id.slice(4);
    // The confirm commits (hold + paying), then the process dies before the request leaves.
    crashAfterConfirm(h1.app, ref, h1.app.repos.users.findByIdentity("telegram", "5002")!.id);
    const h2 = await bot({}, { ...f, clock });
    await h2.app.reconciler.recoverAfterRestart();
    await h2.app.reconciler.runDue();
    await h2.settle();
    expect(h2.app.repos.transactions.get(ref)!.status).toBe("pending"); // "never received" is not trusted yet
    clock.advance(120_000);
    await h2.app.reconciler.runDue();
    await h2.settle();
    expect(h2.app.repos.transactions.get(ref)!.status).toBe("failed");
    expect(payCount(h2)).toBe(0);
    expect(balanceOf(h2, "5002")).toBe(1_000_000);
    expect(h2.sent.some((s) => s.address === "5002" && s.message.text.includes("gagal"))).toBe(true);
    expect(checkInvariants(h2.app)).toEqual([]);
  });

  it("between the pay call and recording its result: settled as paid, receipt sent, no second pay", async ({ bot }) => {
    const f = files();
    const clock = fakeClock();
    const h1 = await bot({}, { ...f, clock });
    const p = h1.payer("5003");
    await toBill(p);
    const ref = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("pay:"))!
      .id.slice(4);
    await crashAfterPayRequest(h1.app, ref, h1.app.repos.users.findByIdentity("telegram", "5003")!.id); // the answer is lost with the process
    const h2 = await bot({}, { ...f, clock });
    await h2.app.reconciler.recoverAfterRestart();
    await h2.app.reconciler.runDue();
    await h2.settle();
    expect(h2.app.repos.transactions.get(ref)!.status).toBe("paid");
    expect(payCount(h2)).toBe(1);
    expect(h2.sent.filter((s) => s.address === "5003" && s.message.text.includes("Pembayaran berhasil"))).toHaveLength(1);
    expect(checkInvariants(h2.app)).toEqual([]);
  });

  it("an inquiry interrupted by a crash is closed and the payer told", async ({ bot }) => {
    const f = files();
    const clock = fakeClock();
    const h1 = await bot({}, { ...f, clock });
    const p = h1.payer("5004");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    // Simulate: the inquiry row and "checking…" were committed, then the process died.
    const userId = h1.app.repos.users.findByIdentity("telegram", "5004")!.id;
    const ref = inTransaction(h1.app.db, () => h1.app.payments.beginInquiry({ userId, product: "bpjs-kesehatan", number: "8801234560000", months: 1 }));
    const session = JSON.parse(h1.app.repos.sessions.get(userId)!.state) as Record<string, unknown>;
    h1.app.repos.sessions.save(userId, 1, JSON.stringify({ ...session, step: "inquiring", ref, effect: { kind: "inquire", ref } }), clock.now());
    const h2 = await bot({}, { ...f, clock });
    await h2.app.recover();
    await h2.settle();
    expect(h2.app.repos.transactions.get(ref)!.status).toBe("inquiry_failed");
    expect(h2.sent.some((s) => s.address === "5004" && s.message.text.includes("coba lagi"))).toBe(true);
  });

  it("an unsent notice in the outbox is sent after a restart", async ({ bot }) => {
    const f = files();
    const clock = fakeClock();
    const h1 = await bot({}, { ...f, clock });
    const userId = inTransaction(
      h1.app.db,
      () => h1.app.repos.users.create({ platform: "telegram", externalId: "5005", address: "5005", locale: "id", now: clock.now() }).id,
    );
    h1.app.repos.outbox.enqueue({ platform: "telegram", address: "5005", userId, message: { text: "halo" }, now: clock.now() });
    const h2 = await bot({}, { ...f, clock });
    await h2.app.outbox.flush();
    expect(h2.sent.map((s) => s.message.text)).toContain("halo");
  });
});

describe("faults inside the bot", () => {
  it("an inquiry that throws is answered as 'provider unavailable', never left hanging", async ({ bot }) => {
    const h = await bot();
    h.app.router.inquire = async () => {
      throw new Error("boom");
    };
    const p = h.payer("5101");
    expect(await toBill(p)).toContain("coba lagi");
    expect(h.app.db.prepare("SELECT status FROM transactions").get()).toEqual({ status: "inquiry_failed" });
  });

  it("a bug in a step still gets an apology, and the update is not re-processed", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("5102");
    await p.say("/start");
    const original = h.app.repos.sessions.save;
    h.app.repos.sessions.save = () => {
      throw new Error("disk on fire");
    };
    expect(await p.say("/saldo", "boom-1")).toContain("gangguan");
    h.app.repos.sessions.save = original;
    expect(await p.say("/saldo", "boom-1")).toBe("");
  });

  it("a step rolled back leaves the conversation where the last commit left it", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("5104");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    // The step for "/start" saves its state, then fails writing its reply: all of it rolls back.
    const original = h.app.repos.outbox.enqueue;
    h.app.repos.outbox.enqueue = () => {
      throw new Error("disk on fire");
    };
    await p.say("/start");
    h.app.repos.outbox.enqueue = original;
    // Still asked for a number (the state the engine keeps in memory is the committed one).
    expect(await p.say("8801234560000")).toContain("Bayar untuk berapa bulan?");
  });

  it("a payment orphaned in 'paying' is adopted by the reconciler", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("5103");
    await toBill(p);
    const ref = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("pay:"))!
      .id.slice(4);
    crashAfterConfirm(h.app, ref, h.app.repos.users.findByIdentity("telegram", "5103")!.id);
    h.clock.advance(5 * 60_000);
    await h.app.reconciler.runDue();
    await h.app.reconciler.runDue();
    expect(h.app.repos.transactions.get(ref)!.status).toBe("failed");
    expect(balanceOf(h, "5103")).toBe(1_000_000);
    expect(checkInvariants(h.app)).toEqual([]);
  });
});

describe("a payer is never stuck", () => {
  it("when recording a pay result fails, the payer is told not to pay again, and the next message works", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("5201");
    await toBill(p);
    const original = h.app.repos.transactions.markPaid;
    h.app.repos.transactions.markPaid = () => {
      throw new Error("SQLITE_BUSY");
    };
    const text = await p.tapLike("pay:");
    expect(text).toContain("membayar ulang");
    h.app.repos.transactions.markPaid = original;
    // The reconciler adopts the orphaned row and settles it.
    h.clock.advance(5 * 60_000);
    await h.app.reconciler.runDue();
    await h.app.reconciler.runDue();
    await h.settle();
    const next = await p.say("halo");
    expect(next).not.toContain("masih diproses oleh");
    expect(next).toContain("Pilih tagihan");
    expect(checkInvariants(h.app)).toEqual([]);
  });
});

describe("typed choices answer the menu on screen", () => {
  it("a digit typed twice at the months menu while the inquiry runs does not pay the bill that appears after it", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("4101", "whatsapp");
    await p.say("/start");
    await p.say("1");
    await p.say("8801234560000");
    const typed = (id: string) => ({ platform: "whatsapp" as const, userId: "4101", address: "4101", messageId: id, text: "1" });
    // Both sent at the months menu; the second waits for the inquiry the first started.
    await Promise.all([h.app.engine.handle(typed("wa-1")), h.app.engine.handle(typed("wa-2"))]);
    await h.settle();
    expect(payCount(h)).toBe(0);
    expect(p.lastText()).toContain("sebelum pilihan");
    expect(p.last().choices!.flat()[0]!.id).toMatch(/^pay:/);
    // Typed after the bill was on screen, "1" pays it.
    await p.say("1");
    expect(payCount(h)).toBe(1);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a confirm word queued behind the inquiry does not confirm the bill", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("4102", "console");
    await p.say("/start");
    await p.say("1");
    await p.say("8801234560000");
    const typed = (id: string, text: string) => ({ platform: "console" as const, userId: "4102", address: "4102", messageId: id, text });
    await Promise.all([h.app.engine.handle(typed("c-1", "1")), h.app.engine.handle(typed("c-2", "bayar"))]);
    await h.settle();
    expect(payCount(h)).toBe(0);
    expect(p.lastText()).toContain("sebelum pilihan");
  });

  it("a Pay sent from a WhatsApp id not yet linked to the person commits its hold durably", async ({ bot }) => {
    const h = await bot();
    const phone = "6281200000002@s.whatsapp.net";
    const lid = "99887766554434@lid";
    const p = h.payer(phone, "whatsapp");
    await p.say("/start");
    await p.say("1");
    await p.say("8801234560000");
    await p.say("1");
    // Watch every commit from here: which carried the hold, and whether it was durable.
    const commits = h.app.commits;
    const original = commits.run.bind(commits);
    const holds: boolean[] = [];
    commits.run = <T>(work: () => T, options?: { durable?: boolean }) =>
      original(() => {
        const before = h.app.db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE kind = 'hold'").get() as { n: number };
        const value = work();
        const after = h.app.db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE kind = 'hold'").get() as { n: number };
        if (after.n > before.n) holds.push(options?.durable === true);
        return value;
      }, options);
    // "1" (Pay) from the person's LID, which the platform links to the phone only now.
    await h.app.engine.handle({ platform: "whatsapp", userId: lid, address: lid, messageId: "wa-pay", text: "1", aliases: [phone] });
    await h.settle();
    commits.run = original;
    expect(holds).toEqual([true]);
    expect((h.app.db.prepare("SELECT status FROM transactions").get() as { status: string }).status).toBe("paid");
  });

  it("a message from the other id of the same WhatsApp person waits for the inquiry instead of interrupting it", async ({ bot }) => {
    const h = await bot();
    const phone = "6281200000001@s.whatsapp.net";
    const lid = "99887766554433@lid";
    const p = h.payer(phone, "whatsapp");
    await p.say("/start");
    await p.say("1");
    await p.say("8801234560000");
    const months = { platform: "whatsapp" as const, userId: phone, address: phone, messageId: "wa-m", text: "1", aliases: [lid] };
    // The same person, named by LID while the inquiry runs.
    const other = { platform: "whatsapp" as const, userId: lid, address: lid, messageId: "wa-o", text: "/saldo", aliases: [phone] };
    await Promise.all([h.app.engine.handle(months), h.app.engine.handle(other)]);
    await h.settle();
    const tx = h.app.db.prepare("SELECT status FROM transactions").all() as { status: string }[];
    expect(tx).toEqual([{ status: "inquired" }]);
    const shown = h.sent.filter((s) => s.address === phone).map((s) => s.message.text);
    expect(shown.some((t) => t.includes("Tagihan BPJS Kesehatan"))).toBe(true);
  });
});
