import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { checkCustomerNumber, isProductId } from "../../src/domain/products.ts";
import { checkInvariants } from "../helpers/app-harness.ts";

/** A small deterministic PRNG, so a failure can be replayed from its seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "/start",
  "menu",
  "batal",
  "/cancel",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "9",
  "0",
  "99",
  "ya",
  "bayar",
  "/saldo",
  "/riwayat",
  "/status LK0000000000AA",
  "/struk",
  "/bahasa en",
  "/bahasa id",
  "/bahasa xx",
  "/simpan",
  "/id",
  "/berhenti",
  "/mulai",
  "/bantuan",
  "/topup U1234567 50000",
  "/resolve LK0000000000AA paid",
  "/produk off bpjs-denda",
  "/isi 50rb",
  "/isi -5",
  "8801234560000",
  "880123456000",
  "88012345600001234",
  "8102051011270000",
  "810205101127000",
  "099994301101",
  "8801234561039",
  "8801234560001",
  "<b>hi</b>",
  "&amp;",
  "' OR 1=1 --",
  "🙂",
  "\u0000",
  "   ",
  "x".repeat(5000),
  "12-34 56",
  "+62 812",
];

const FORGED = [
  "product:bpjs-nope",
  "months:0",
  "months:13",
  "saved:1",
  "saved:999999",
  "pay:LK0000000000AA",
  "pay:lk0000000000aa",
  "payagain:LK0000000000AA",
  "cancel:LK0000000000AA",
  "recheck:LK0000000000AA",
  "receipt:LK0000000000AA",
  "save:LK0000000000AA",
  "unsave:1",
  "menu",
  "lang:fr",
  "lang:en",
  "cmd:balance",
  "cmd:rm",
  "erase:yes",
  "admin:yes",
  "topup:approve:1",
  "topup:reject:2",
  "",
  "a".repeat(200),
  "product:bpjs-kesehatan",
  "months:2",
];

describe("fuzz: random texts and forged choices in random states", () => {
  it("never crashes, never calls a provider with an invalid number, keeps the invariants", async ({ bot }) => {
    const h = await bot({ INQUIRY_LIMIT_PER_HOUR: "1000" });
    const inquiries: { product: string; number: string }[] = [];
    const original = h.app.router.inquire.bind(h.app.router);
    h.app.router.inquire = async (req) => {
      inquiries.push({ product: req.product, number: req.customerNumber });
      return original(req);
    };
    const rand = prng(20261122);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const payers = ["7001", "7002", "7003"].map((id) => h.payer(id));
    for (let i = 0; i < 1500; i++) {
      const p = pick(payers);
      const r = rand();
      if (r < 0.45) {
        await p.say(pick(WORDS));
      } else if (r < 0.75) {
        // A real choice from the last menu, sometimes with a wrong nonce.
        const last = p.messages().at(-1);
        const choice = last?.choices ? pick(last.choices.flat()) : undefined;
        if (choice) await p.tap(choice.id, { nonce: rand() < 0.8 ? last!.nonce : (last!.nonce ?? 0) + 1 });
      } else {
        await p.tap(pick(FORGED), { nonce: rand() < 0.5 ? undefined : Math.floor(rand() * 50) });
      }
      if (i % 100 === 0) {
        h.clock.advance(30_000);
        await h.app.reconciler.runDue();
        await h.settle();
        expect(checkInvariants(h.app)).toEqual([]);
      }
    }
    for (const q of inquiries) {
      expect(isProductId(q.product)).toBe(true);
      expect(checkCustomerNumber(q.product as "bpjs-kesehatan", q.number).ok).toBe(true);
    }
    expect(inquiries.length).toBeGreaterThan(0);
    expect(checkInvariants(h.app)).toEqual([]);
    // Non-admins never reached an admin command.
    const audit = h.app.db.prepare("SELECT COUNT(*) AS n FROM audit WHERE action IN ('topup','resolve','product_switch')").get() as { n: number };
    expect(audit.n).toBe(0);
    // Every session row still parses.
    for (const row of h.app.db.prepare("SELECT state FROM sessions").all() as { state: string }[]) expect(() => JSON.parse(row.state)).not.toThrow();
  }, 60_000);
});
