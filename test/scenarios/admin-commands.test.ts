import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { type Harness, type PayerDriver, checkInvariants, crashAfterConfirm } from "../helpers/app-harness.ts";

function userOf(h: Harness, id: string) {
  return h.app.repos.users.findByIdentity("telegram", id)!;
}

const balanceOf = (h: Harness, id: string) => h.app.repos.ledger.balance(userOf(h, id).id);

async function payPending(p: PayerDriver, number: string): Promise<string> {
  await p.say("/start");
  await p.tap("product:bpjs-kesehatan");
  await p.say(number);
  await p.tap("months:1");
  await p.tapLike("pay:");
  return (
    p
      .messages()
      .map((m) => m.text)
      .join(" ")
      .match(/LK[0-9A-Z]{12}/g) ?? []
  ).at(-1)!;
}

const ADMIN_COMMANDS = [
  "/topup {u} 50000",
  "/koreksi {u} -1000 salah",
  "/user {u}",
  "/tx {ref}",
  "/pending",
  "/resolve {ref} failed",
  "/stats",
  "/produk off bpjs-denda",
];

describe("admin commands", () => {
  it("non-admins get the ordinary unknown-command answer and nothing happens", async ({ bot }) => {
    const h = await bot();
    const payer = h.payer("8001");
    await payer.say("/saldo");
    const ref = await payPending(payer, "8801234561039");
    const u = userOf(h, "8001").public_id;
    const before = h.app.db
      .prepare(
        "SELECT (SELECT COUNT(*) FROM ledger WHERE kind != 'demo') AS l, (SELECT COUNT(*) FROM audit) AS a, (SELECT COUNT(*) FROM product_switches) AS p",
      )
      .get();
    const intruder = h.payer("8002");
    for (const c of ADMIN_COMMANDS) {
      expect(await intruder.say(c.replace("{u}", u).replace("{ref}", ref))).toContain("Perintah tidak dikenal");
    }
    // A prefix or suffix of an admin id is not an admin.
    for (const id of ["900", "90000", "19000"]) expect(await h.payer(id).say(`/topup ${u} 50000`)).toContain("Perintah tidak dikenal");
    expect(
      h.app.db
        .prepare(
          "SELECT (SELECT COUNT(*) FROM ledger WHERE kind != 'demo') AS l, (SELECT COUNT(*) FROM audit) AS a, (SELECT COUNT(*) FROM product_switches) AS p",
        )
        .get(),
    ).toEqual(before);
    expect(h.app.repos.transactions.get(ref)!.status).toBe("pending");
  });

  it("top-up and correction move the ledger exactly, are audited, and tell the payer", async ({ bot }) => {
    const h = await bot();
    const payer = h.payer("8003");
    await payer.say("/saldo");
    const admin = h.payer("9000");
    const u = userOf(h, "8003");
    expect(await admin.say(`/topup ${u.public_id} 50.000 transfer BCA`)).toContain("Rp1.050.000");
    expect(payer.lastText()).toContain("Rp50.000");
    expect(await admin.say(`/koreksi tg:8003 -2500 biaya salah`)).toContain("Rp1.047.500");
    expect(await admin.say(`/koreksi tg:8003 -5000`)).toContain("/koreksi"); // a note is required
    expect(await admin.say(`/koreksi tg:8003 -9999999 terlalu banyak`)).toContain("negatif");
    expect(h.app.repos.ledger.balance(u.id)).toBe(1_047_500);
    const audit = h.app.db.prepare("SELECT action FROM audit ORDER BY id").all();
    expect(audit).toEqual([{ action: "topup" }, { action: "correction" }]);
    expect(await admin.say("/topup tg:999999 5000")).toContain("tidak ditemukan");
  });

  it("a top-up above TOPUP_CONFIRM_ABOVE asks to confirm first", async ({ bot }) => {
    const h = await bot({ TOPUP_CONFIRM_ABOVE: "100000" });
    await h.payer("8004").say("/saldo");
    const admin = h.payer("9000");
    expect(await admin.say("/topup tg:8004 2jt")).toContain("batas konfirmasi");
    expect(h.app.repos.ledger.balance(userOf(h, "8004").id)).toBe(1_000_000);
    await admin.tap("admin:yes");
    expect(h.app.repos.ledger.balance(userOf(h, "8004").id)).toBe(3_000_000);
    // The confirmation cannot be replayed.
    expect(await admin.tap("admin:yes", { nonce: admin.messages().find((m) => m.choices)!.nonce })).toContain("tidak berlaku");
    expect(h.app.repos.ledger.balance(userOf(h, "8004").id)).toBe(3_000_000);
  });

  it("approving an /isi request above TOPUP_CONFIRM_ABOVE asks to confirm before crediting, like every admin credit", async ({ bot }) => {
    const h = await bot({ TOPUP_CONFIRM_ABOVE: "100000" });
    const payer = h.payer("8006");
    await payer.say("/isi 5jt");
    const admin = h.payer("9000");
    const notice = h.sent.find((s) => s.address === "9000" && s.message.text.includes("Rp5.000.000"))!;
    const approve = notice.message.choices!.flat().find((c) => c.id.startsWith("topup:approve:"))!;
    expect(await admin.tap(approve.id)).toContain("batas konfirmasi");
    expect(h.app.repos.ledger.balance(userOf(h, "8006").id)).toBe(1_000_000);
    expect(h.app.db.prepare("SELECT status FROM topup_requests").get()).toEqual({ status: "pending" });
    await admin.tap("admin:yes");
    expect(h.app.repos.ledger.balance(userOf(h, "8006").id)).toBe(6_000_000);
    expect(h.app.db.prepare("SELECT status FROM topup_requests").get()).toEqual({ status: "approved" });
    // The request is decided: its button credits nothing more.
    expect(await admin.tap(approve.id)).toContain("sudah diputuskan");
    expect(h.app.repos.ledger.balance(userOf(h, "8006").id)).toBe(6_000_000);
  });

  it("a positive /koreksi above TOPUP_CONFIRM_ABOVE asks to confirm; no admin credit may exceed the hard cap", async ({ bot }) => {
    const h = await bot({ TOPUP_CONFIRM_ABOVE: "100000" });
    await h.payer("8007").say("/saldo");
    const admin = h.payer("9000");
    expect(await admin.say("/koreksi tg:8007 +500rb salah potong")).toContain("batas konfirmasi");
    expect(h.app.repos.ledger.balance(userOf(h, "8007").id)).toBe(1_000_000);
    await admin.tap("admin:yes");
    expect(h.app.repos.ledger.balance(userOf(h, "8007").id)).toBe(1_500_000);
    expect(await admin.say("/koreksi tg:8007 +100000001 typo")).toContain("paling banyak");
    expect(await admin.say("/topup tg:8007 1000000000")).toContain("paling banyak");
    expect(h.app.repos.ledger.balance(userOf(h, "8007").id)).toBe(1_500_000);
  });

  it("/resolve settles through the reconciler's path: one refund, payer told, a second resolve refused", async ({ bot }) => {
    const h = await bot();
    const payer = h.payer("8005");
    const ref = await payPending(payer, "8801234561039");
    const admin = h.payer("9000");
    expect(await admin.say("/pending")).toContain(ref);
    // Verdicts wait until the pay request has certainly ended (its timeout plus the grace).
    const tx = h.app.repos.transactions.get(ref)!;
    h.clock.set((tx.pay_started_at ?? 0) + (tx.pay_timeout_ms ?? 0) + 60_000 + 1);
    expect(await admin.say(`/resolve ${ref} failed`)).toContain("diselesaikan");
    expect(payer.lastText()).toContain("gagal");
    expect(await admin.say(`/resolve ${ref} paid`)).toContain("tidak sedang menunggu");
    // The reconciler later learning "success" changes nothing either.
    h.clock.advance(60_000);
    await h.app.reconciler.runDue();
    expect(h.app.repos.ledger.balance(userOf(h, "8005").id)).toBe(1_000_000);
    expect(checkInvariants(h.app)).toEqual([]);
    expect(await admin.say(`/tx ${ref}`)).toContain("gagal");
  });

  it("/stats matches the ledger and transactions", async ({ bot }) => {
    const h = await bot({ FEE_BPJS_KESEHATAN: "1500" });
    const a = h.payer("8006");
    await payPending(a, "8801234560000");
    await payPending(h.payer("8007"), "8801234560002");
    await payPending(h.payer("8008"), "8801234561039"); // pending
    const paid = h.app.db
      .prepare("SELECT SUM(total) AS v, SUM(fee + price - provider_cost) AS m, COUNT(*) AS n FROM transactions WHERE status = 'paid'")
      .get() as { v: number; m: number; n: number };
    expect(paid.n).toBe(2);
    const text = await h.payer("9000").say("/stats");
    const money = (n: number) => `Rp${n.toLocaleString("de-DE")}`;
    expect(text).toContain(`Hari ini: 2 transaksi, volume ${money(paid.v)}, margin ${money(paid.m)}`);
    expect(text).toContain("Menunggu: 1");
  });

  it("/produk off hides a product from the menu; on brings it back", async ({ bot }) => {
    const h = await bot();
    const admin = h.payer("9000");
    await admin.say("/produk off bpjs-denda");
    const p = h.payer("8009");
    await p.say("/start");
    expect(
      p
        .last()
        .choices!.flat()
        .map((c) => c.id),
    ).not.toContain("product:bpjs-denda");
    await admin.say("/produk on bpjs-denda");
    await p.say("menu");
    expect(
      p
        .last()
        .choices!.flat()
        .map((c) => c.id),
    ).toContain("product:bpjs-denda");
  });

  it("the console user is an admin", async ({ bot }) => {
    const h = await bot();
    const c = h.payer("console", "console");
    expect(await c.say("/stats")).toContain("Statistik");
  });
});

describe("admin verdicts and the provider", () => {
  it("/resolve refuses a payment whose pay request may still be in flight", async ({ bot }) => {
    const h = await bot();
    const payer = h.payer("8101");
    await payer.say("/start");
    await payer.tap("product:bpjs-kesehatan");
    await payer.say("8801234560000");
    await payer.tap("months:1");
    const ref = payer
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("pay:"))!
      .id.slice(4);
    crashAfterConfirm(h.app, ref, userOf(h, "8101").id);
    const admin = h.payer("9000");
    expect(await admin.say(`/resolve ${ref} failed`)).toContain("masih dalam perjalanan");
    expect(h.app.repos.transactions.get(ref)!.status).toBe("paying");
  });

  it("/resolve refuses a payment a restart moved to pending or needs_review while its pay request may still be in flight", async ({ bot }) => {
    const h = await bot();
    const confirmed = async (id: string): Promise<string> => {
      const payer = h.payer(id);
      await payer.say("/start");
      await payer.tap("product:bpjs-kesehatan");
      await payer.say(`880123456${id}`);
      await payer.tap("months:1");
      const ref = payer
        .last()
        .choices!.flat()
        .find((c) => c.id.startsWith("pay:"))!
        .id.slice(4);
      crashAfterConfirm(h.app, ref, userOf(h, id).id);
      return ref;
    };
    const iakLike = await confirmed("8103");
    const espayLike = await confirmed("8104");
    // Espay only learns its status key from the pay answer: a crash before it leaves none.
    h.app.db.prepare("UPDATE transactions SET status_key = NULL WHERE ref = ?").run(espayLike);
    const balances = () => [balanceOf(h, "8103"), balanceOf(h, "8104")];
    const before = balances();

    // The process died while both pay requests were out; on start-up recovery hands them on at once.
    await h.app.recover();
    expect(h.app.repos.transactions.get(iakLike)!.status).toBe("pending");
    expect(h.app.repos.transactions.get(espayLike)!.status).toBe("needs_review");

    const admin = h.payer("9000");
    expect(await admin.say(`/resolve ${iakLike} failed`)).toContain("masih dalam perjalanan");
    expect(await admin.say(`/resolve ${espayLike} failed`)).toContain("masih dalam perjalanan");
    expect(await admin.say(`/resolve ${espayLike} paid`)).toContain("masih dalam perjalanan");
    expect(h.app.repos.transactions.get(iakLike)!.status).toBe("pending");
    expect(h.app.repos.transactions.get(espayLike)!.status).toBe("needs_review");
    expect(balances()).toEqual(before);

    // Once the request has certainly ended, the admin's verdict goes through: one refund.
    const tx = h.app.repos.transactions.get(espayLike)!;
    h.clock.set((tx.pay_started_at ?? 0) + (tx.pay_timeout_ms ?? 0) + 60_000 + 1);
    expect(await admin.say(`/resolve ${espayLike} failed`)).toContain("diselesaikan");
    expect(h.app.repos.transactions.get(espayLike)!.status).toBe("failed");
    expect(balanceOf(h, "8104")).toBe(before[1]! + (tx.total ?? 0));
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a provider answer that contradicts an admin's verdict changes nothing and alerts the admins", async ({ bot }) => {
    const h = await bot();
    const payer = h.payer("8102");
    const ref = await payPending(payer, "8801234561039");
    const admin = h.payer("9000");
    await admin.say(`/resolve ${ref} failed`);
    h.clock.advance(60_000); // the simulator settles it as paid meanwhile
    h.app.db.prepare("UPDATE transactions SET next_check_at = 0 WHERE ref = ?").run(ref);
    h.app.db.prepare("UPDATE transactions SET status = 'pending' WHERE ref = ?").run(ref); // the reconciler read it while pending…
    const row = h.app.repos.transactions.get(ref)!;
    h.app.db.prepare("UPDATE transactions SET status = 'failed' WHERE ref = ?").run(ref); // …and the admin's verdict landed first
    h.app.payments.settle(row.ref, { kind: "paid", receipt: {} }, "reconciler");
    await h.settle();
    expect(h.app.repos.transactions.get(ref)!.status).toBe("failed");
    expect(
      h.sent
        .filter((s) => s.address === "9000")
        .map((s) => s.message.text)
        .join("\n"),
    ).toContain("KONFLIK");
  });
});
