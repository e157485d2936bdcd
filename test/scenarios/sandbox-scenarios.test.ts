import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { checkInvariants, type Harness, type PayerDriver } from "../helpers/app-harness.ts";

const PRODUCTS = [
  { product: "bpjs-kesehatan", base: "880123456", months: 2 },
  { product: "bpjs-ketenagakerjaan", base: "810205101127", months: 1 },
] as const;

function balance(h: Harness, p: PayerDriver): number {
  const user = h.app.repos.users.findByIdentity(p.platform, p.id)!;
  return h.app.repos.ledger.balance(user.id);
}

async function inquire(p: PayerDriver, product: string, number: string, months?: number): Promise<string> {
  await p.say("/start");
  await p.tap(`product:${product}`);
  const afterNumber = await p.say(number);
  return months === undefined ? afterNumber : p.tap(`months:${months}`);
}

/** Lets the reconciler find the payment due and ask about it. */
async function reconcile(h: Harness, advanceMs: number): Promise<void> {
  h.clock.advance(advanceMs);
  await h.app.reconciler.runDue();
  await h.settle();
}

describe.each(PRODUCTS)("$product through every sandbox scenario", ({ product, base, months }) => {
  it("0000 success: bill, pay, receipt, balance debited once", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("2001");
    const bill = await inquire(p, product, `${base}0000`, months);
    expect(bill).toMatch(/Total/);
    const before = balance(h, p);
    const receipt = await p.tapLike("pay:");
    expect(receipt).toContain("Pembayaran berhasil");
    const tx = h.app.db.prepare("SELECT * FROM transactions WHERE status = 'paid'").get() as { total: number; provider_ref: string };
    expect(balance(h, p)).toBe(before - tx.total);
    expect(tx.provider_ref).toBeTruthy();
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("0001 already paid: told so, nothing charged", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("2002");
    const before = 1_000_000;
    const text = await inquire(p, product, `${base}0001`, months);
    expect(text).toContain("sudah dibayar");
    expect(balance(h, p)).toBe(before);
    expect(h.app.simulator!.payCalls()).toHaveLength(0);
  });

  it("0014 wrong number: explained and the number asked again", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("2003");
    const text = await inquire(p, product, `${base}0014`, months);
    expect(text).toContain("nomor pelanggan salah");
    expect(text).toMatch(/Ketik (nomor|NIK)/);
    // The step is asked again: a correct number now goes on to the months.
    const next = await p.say(`${base}0000`);
    expect(next).toContain("berapa bulan");
  });

  it("0103 inquiry timeout: try-again offered, and it works", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("2004");
    const text = await inquire(p, product, `${base}0103`, months);
    expect(text).toContain("Silakan coba lagi");
    expect(
      p
        .last()
        .choices?.flat()
        .some((c) => c.id.startsWith("recheck:")),
    ).toBe(true);
  });

  it("1037 payment failed: pending, then the reconciler refunds once and tells the payer", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("2005");
    await inquire(p, product, `${base}1037`, months);
    const paying = await p.tapLike("pay:");
    expect(paying).toContain("masih diproses");
    const held = balance(h, p);
    expect(held).toBeLessThan(1_000_000);
    const n = p.messages().length;
    await reconcile(h, 5_000);
    expect(p.since(n)).toContain("gagal");
    expect(balance(h, p)).toBe(1_000_000);
    await reconcile(h, 600_000);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("1039 pending that later succeeds: the payer gets the receipt without asking", async ({ bot }) => {
    const h = await bot({}, { settleMs: 20_000 });
    const p = h.payer("2006");
    await inquire(p, product, `${base}1039`, months);
    expect(await p.tapLike("pay:")).toContain("masih diproses");
    const n = p.messages().length;
    await reconcile(h, 5_000);
    expect(p.since(n)).toBe(""); // still pending: nothing new to say
    await reconcile(h, 20_000);
    expect(p.since(n)).toContain("Pembayaran berhasil");
    expect(balance(h, p)).toBeLessThan(1_000_000);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("1039 pending that later fails: refunded once", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("2007");
    await inquire(p, product, `${base}1039`, months);
    await p.tapLike("pay:");
    const tx = h.app.db.prepare("SELECT ref FROM transactions WHERE status = 'pending'").get() as { ref: string };
    h.app.simulator!.settle(tx.ref, "failed");
    await reconcile(h, 5_000);
    expect(balance(h, p)).toBe(1_000_000);
    expect(p.lastText()).toContain("gagal");
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("1105 biller error: pending, then failed and refunded", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("2008");
    await inquire(p, product, `${base}1105`, months);
    await p.tapLike("pay:");
    await reconcile(h, 5_000);
    expect(balance(h, p)).toBe(1_000_000);
    expect(checkInvariants(h.app)).toEqual([]);
  });
});

describe("BPJS Denda scenarios (0999943011xx)", () => {
  it.for([
    ["099994301101", "success"],
    ["099994301104", "already_paid"],
    ["099994301105", "wrong_number"],
    ["099994301103", "timeout"],
    ["099994301106", "pay_failed"],
    ["099994301107", "pending"],
    ["099994301108", "biller_error"],
  ] as const)("%s → %s", async ([number, scenario], { bot }) => {
    const h = await bot();
    const p = h.payer("3001");
    const text = await inquire(p, "bpjs-denda", number);
    if (scenario === "already_paid") return void expect(text).toContain("sudah dibayar");
    if (scenario === "wrong_number") return void expect(text).toContain("nomor pelanggan salah");
    if (scenario === "timeout") return void expect(text).toContain("coba lagi");
    expect(text).toContain("BPJS Denda");
    // The provider's own masking of the name is kept.
    expect(text).toMatch(/Nama: .*\*/);
    const paid = await p.tapLike("pay:");
    if (scenario === "success") expect(paid).toContain("Pembayaran berhasil");
    else expect(paid).toContain("masih diproses");
    await reconcile(h, 25_000);
    const row = h.app.db.prepare("SELECT status FROM transactions WHERE status NOT IN ('inquiry_failed')").get() as { status: string };
    expect(row.status).toBe(scenario === "success" || scenario === "pending" ? "paid" : "failed");
    expect(checkInvariants(h.app)).toEqual([]);
  });
});

describe("BPJS Denda pending that later fails", () => {
  it("099994301107 settled as failed by the biller: refunded once, the payer told", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("3002");
    await inquire(p, "bpjs-denda", "099994301107");
    await p.tapLike("pay:");
    const tx = h.app.db.prepare("SELECT ref FROM transactions WHERE status = 'pending'").get() as { ref: string };
    h.app.simulator!.settle(tx.ref, "failed");
    await reconcile(h, 5_000);
    expect(balance(h, p)).toBe(1_000_000);
    expect(p.lastText()).toContain("gagal");
    expect(checkInvariants(h.app)).toEqual([]);
  });
});
