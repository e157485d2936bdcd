import { MockAgent } from "undici";
import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { toBill } from "../helpers/flows.ts";
import type { PaymentProvider } from "../../src/providers/port.ts";
import { formatRupiah } from "../../src/domain/money.ts";
import { checkInvariants, type Harness } from "../helpers/app-harness.ts";

const adminTexts = (h: Harness) =>
  h.sent
    .filter((s) => s.address === "9000")
    .map((s) => s.message.text)
    .join("\n");
const balance = (h: Harness, id: string) => h.app.repos.ledger.balance(h.app.repos.users.findByIdentity("telegram", id)!.id);

describe("money edges", () => {
  it("the operator's deposit running out is the operator's problem: payer refunded and told 'unavailable', admins told", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("9101");
    await toBill(p);
    h.app.simulator!.setDeposit(0);
    const text = await p.tapLike("pay:");
    expect(text).toContain("layanan sedang tidak tersedia untuk sementara");
    expect(text).not.toMatch(/saldo Anda .*tidak cukup/i);
    expect(balance(h, "9101")).toBe(1_000_000);
    expect(adminTexts(h)).toContain("deposit operator tidak cukup");
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a low provider deposit after a payment alerts the admins once an hour", async ({ bot }) => {
    const h = await bot({ LOW_DEPOSIT_ALERT: "999999999999" });
    const p = h.payer("9102");
    await toBill(p);
    await p.tapLike("pay:");
    await toBill(p, "8801234560002");
    await p.tapLike("pay:");
    expect(adminTexts(h).match(/Deposit provider tinggal/g)).toHaveLength(1);
  });

  /** The simulator's pay answer, with its reported price replaced. */
  function reportPrice(h: Harness, price: (inquired: number) => number | undefined) {
    const provider = h.app.router.get("simulator") as PaymentProvider;
    const pay = provider.pay.bind(provider);
    (provider as { pay: PaymentProvider["pay"] }).pay = async (req) => {
      const out = await pay(req);
      if (out.status !== "success") return out;
      const reported = price(out.receipt.price ?? 0);
      const { price: _dropped, ...rest } = out.receipt;
      return { ...out, receipt: reported === undefined ? rest : { ...rest, price: reported } };
    };
  }
  const paidRow = (h: Harness) =>
    h.app.db.prepare("SELECT status, price, paid_price, total, review_reason FROM transactions").get() as {
      status: string;
      price: number;
      paid_price: number | null;
      total: number;
      review_reason: string | null;
    };

  it("a price that went up a little is absorbed by the operator: the payer is charged exactly the total they confirmed", async ({ bot }) => {
    const h = await bot();
    reportPrice(h, (p) => p + 1000);
    const p = h.payer("9103");
    await toBill(p);
    const before = balance(h, "9103");
    const receipt = await p.tapLike("pay:");
    const tx = paidRow(h);
    expect(tx.status).toBe("paid");
    expect(tx.paid_price).toBe(tx.price + 1000);
    expect(balance(h, "9103")).toBe(before - tx.total);
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE kind = 'adjustment'").get()).toEqual({ n: 0 });
    expect(receipt).toContain(`Total dibayar: ${formatRupiah(tx.total)}`);
    expect(adminTexts(h)).toContain("ditanggung operator");
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("a price that went down gives the payer the difference back in one adjustment row", async ({ bot }) => {
    const h = await bot();
    reportPrice(h, (p) => p - 5000);
    const p = h.payer("9105");
    await toBill(p);
    const before = balance(h, "9105");
    const receipt = await p.tapLike("pay:");
    const tx = paidRow(h);
    expect(balance(h, "9105")).toBe(before - tx.total + 5000);
    expect(h.app.db.prepare("SELECT amount FROM ledger WHERE kind = 'adjustment'").all()).toEqual([{ amount: 5000 }]);
    expect(receipt).toContain(`Total dibayar: ${formatRupiah(tx.total - 5000)}`);
    expect(checkInvariants(h.app)).toEqual([]);
  });

  for (const [what, price] of [
    ["zero", () => 0],
    ["negative", () => -100_000],
    ["missing", () => undefined],
    ["far above the inquired price", (p: number) => p * 10],
  ] as const) {
    it(`a reported price that is ${what} is not booked: the inquired total stays held and a person reviews it`, async ({ bot }) => {
      const h = await bot();
      reportPrice(h, price);
      const p = h.payer("9106");
      await toBill(p);
      const before = balance(h, "9106");
      const text = await p.tapLike("pay:");
      const tx = paidRow(h);
      expect(tx.status).toBe("needs_review");
      expect(tx.review_reason).toMatch(/^implausible_price/);
      expect(balance(h, "9106")).toBe(before - tx.total);
      expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE kind = 'adjustment'").get()).toEqual({ n: 0 });
      expect(text).not.toContain("Pembayaran berhasil");
      expect(text).toContain("pengecekan");
      expect(adminTexts(h)).toContain("implausible_price");
      expect(checkInvariants(h.app)).toEqual([]);
      // An admin who checked with the provider settles it at the confirmed total (once no pay can be in flight).
      h.clock.advance(5 * 60_000);
      const ref = (h.app.db.prepare("SELECT ref FROM transactions").get() as { ref: string }).ref;
      await h.payer("9000").say(`/resolve ${ref} paid`);
      expect(paidRow(h)).toMatchObject({ status: "paid", paid_price: tx.price });
      expect(balance(h, "9106")).toBe(before - tx.total);
    });
  }

  it("a pay answered 200 with a blank response code is no receipt: the total stays held and the reconciler settles it", async ({ bot }) => {
    // The real IAK client over HTTP to the simulator; only the pay's answer is replaced, as a provider under strain sends it.
    const agent = new MockAgent();
    agent.enableNetConnect(/^127\.0\.0\.1/);
    agent
      .get(/^http:\/\/127\.0\.0\.1/)
      .intercept({ path: "/api/v1/bill/check", method: "POST", body: (b) => b.includes('"pay-pasca"') })
      .reply(200, { data: { response_code: "", message: "SYSTEM ERROR" } });
    const h = await bot({}, { dispatcher: agent });
    const p = h.payer("9107");
    await toBill(p);
    const before = balance(h, "9107");
    const text = await p.tapLike("pay:");
    const tx = paidRow(h);
    expect(tx.status).toBe("pending");
    expect(text).not.toContain("Pembayaran berhasil");
    expect(balance(h, "9107")).toBe(before - tx.total);
    expect(checkInvariants(h.app)).toEqual([]);
    // The pay never reached the provider (the simulator never saw it): its status says so, and the hold comes back.
    h.clock.advance(10 * 60_000);
    await h.app.reconciler.runDue();
    await h.settle();
    expect(paidRow(h).status).toBe("failed");
    expect(balance(h, "9107")).toBe(before);
    expect(p.lastText()).toMatch(/dikembalikan/);
    expect(checkInvariants(h.app)).toEqual([]);
    await agent.close();
  });

  it("a provider's 5 KB refusal reaches the payer as a short excerpt", async ({ bot }) => {
    const h = await bot();
    const provider = h.app.router.get("simulator") as PaymentProvider;
    (provider as { inquire: PaymentProvider["inquire"] }).inquire = async () => ({
      status: "rejected",
      reason: "provider_error",
      code: "92",
      message: "SYSTEM ERROR ".repeat(400),
    });
    const p = h.payer("9107");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    const text = await p.tap("months:1");
    expect(text).toContain("SYSTEM ERROR");
    expect(text.length).toBeLessThan(600);
  });

  it("an operator fee is shown, charged and refunded with the bill", async ({ bot }) => {
    const h = await bot({ FEE_BPJS_KESEHATAN: "2000" });
    const p = h.payer("9104");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234561037");
    const bill = await p.tap("months:1");
    expect(bill).toContain("Biaya layanan: Rp2.000");
    await p.tapLike("pay:");
    const tx = h.app.db.prepare("SELECT price, fee, total FROM transactions").get() as { price: number; fee: number; total: number };
    expect(tx.total).toBe(tx.price + 2000);
    expect(balance(h, "9104")).toBe(1_000_000 - tx.total);
    h.clock.advance(5_000);
    await h.app.reconciler.runDue();
    expect(balance(h, "9104")).toBe(1_000_000);
  });
});
