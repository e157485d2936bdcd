import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { type Harness } from "../helpers/app-harness.ts";

/** Amounts typed in commands follow Indonesian writing; an ambiguous one is refused with an example. */

const balanceOf = (h: Harness, id: string) => h.app.repos.ledger.balance(h.app.repos.users.findByIdentity("telegram", id)!.id);

describe("amounts typed in commands", () => {
  it("/isi 2,500 is ambiguous: the payer is shown how to write it, and no request is made", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("8301");
    const text = await p.say("/isi 2,500");
    expect(text).toContain('Jumlah "2,500" bisa dibaca dua cara. Tulis 2.500 atau 2,5rb.');
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM topup_requests").get()).toEqual({ n: 0 });
  });

  it("/isi 1.500rb asks for Rp1.500.000, not Rp1.500", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("8302");
    expect(await p.say("/isi 1.500rb")).toContain("Rp1.500.000");
  });

  it("/isi with something that is not an amount keeps its usage answer", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("8303");
    const text = await p.say("/isi banyak");
    expect(text).not.toContain("dua cara");
    expect(text).toBe(h.app.t("id", "topup_request.usage"));
  });

  it("an admin's /topup and /koreksi with 2,500 are refused as ambiguous, in the admin's language, and move nothing", async ({ bot }) => {
    const h = await bot();
    await h.payer("8304").say("/saldo");
    const before = balanceOf(h, "8304");
    const admin = h.payer("9000");
    expect(await admin.say("/topup tg:8304 2,500")).toContain('Jumlah "2,500" bisa dibaca dua cara');
    expect(await admin.say("/koreksi tg:8304 -2,500 salah ketik")).toContain('Jumlah "-2,500" bisa dibaca dua cara');
    await admin.say("/bahasa en");
    expect(await admin.say("/topup tg:8304 2,500")).toContain('The amount "2,500" can be read two ways. Write 2.500 or 2,5rb.');
    expect(balanceOf(h, "8304")).toBe(before);
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM audit").get()).toEqual({ n: 0 });
  });

  it("an admin's /topup 1.500rb credits Rp1.500.000 (after the confirm above the threshold)", async ({ bot }) => {
    const h = await bot({ TOPUP_CONFIRM_ABOVE: "10000000" });
    await h.payer("8305").say("/saldo");
    const before = balanceOf(h, "8305");
    await h.payer("9000").say("/topup tg:8305 1.500rb");
    expect(balanceOf(h, "8305")).toBe(before + 1_500_000);
  });
});
