import { afterEach, describe, expect, it } from "vitest";
import type { PaymentProvider } from "../../src/providers/port.ts";
import { checkInvariants, setupApp, type Harness, type PayerDriver } from "../helpers/app-harness.ts";

let h: Harness;
afterEach(async () => h?.close());

async function toBill(p: PayerDriver, number = "8801234560000"): Promise<void> {
  await p.say("/start");
  await p.tap("product:bpjs-kesehatan");
  await p.say(number);
  await p.tap("months:1");
}

const adminTexts = (h: Harness) => h.sent.filter((s) => s.address === "9000").map((s) => s.message.text).join("\n");
const balance = (h: Harness, id: string) => h.app.repos.ledger.balance(h.app.repos.users.findByIdentity("telegram", id)!.id);

describe("money edges", () => {
  it("the operator's deposit running out is the operator's problem: payer refunded and told 'unavailable', admins told", async () => {
    h = await setupApp();
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

  it("a low provider deposit after a payment alerts the admins once an hour", async () => {
    h = await setupApp({ LOW_DEPOSIT_ALERT: "999999999999" });
    const p = h.payer("9102");
    await toBill(p);
    await p.tapLike("pay:");
    await toBill(p, "8801234560002");
    await p.tapLike("pay:");
    expect(adminTexts(h).match(/Deposit provider tinggal/g)).toHaveLength(1);
  });

  it("a price that moved between inquiry and payment is settled by one adjustment row, and admins told", async () => {
    h = await setupApp();
    const provider = h.app.router.get("simulator") as PaymentProvider;
    const pay = provider.pay.bind(provider);
    (provider as { pay: PaymentProvider["pay"] }).pay = async (req) => {
      const out = await pay(req);
      return out.status === "success" ? { ...out, receipt: { ...out.receipt, price: (out.receipt.price ?? 0) + 1000 } } : out;
    };
    const p = h.payer("9103");
    await toBill(p);
    const before = balance(h, "9103");
    await p.tapLike("pay:");
    const tx = h.app.db.prepare("SELECT price, paid_price, total FROM transactions WHERE status = 'paid'").get() as { price: number; paid_price: number; total: number };
    expect(tx.paid_price).toBe(tx.price + 1000);
    expect(balance(h, "9103")).toBe(before - tx.total - 1000);
    expect(h.app.db.prepare("SELECT amount FROM ledger WHERE kind = 'adjustment'").all()).toEqual([{ amount: -1000 }]);
    expect(adminTexts(h)).toContain("berubah");
    expect(checkInvariants(h.app)).toEqual([]);
  });

  it("an operator fee is shown, charged and refunded with the bill", async () => {
    h = await setupApp({ FEE_BPJS_KESEHATAN: "2000" });
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
