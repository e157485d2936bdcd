import { afterEach, describe, expect, it } from "vitest";
import { checkInvariants } from "../helpers/app-harness.ts";
import { startCloudHarness, TEMPLATE_ENV, type CloudHarness } from "../transports/whatsapp-cloud/harness.ts";

const WA = "6281234567890";
const JID = `${WA}@s.whatsapp.net`;

let current: CloudHarness | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

/** Meta's word that the payer of WA moved to 6289999999999 (a `user_changed_number` system message). */
async function changeNumber(c: CloudHarness, wamid: string): Promise<void> {
  const at = String(Math.floor(c.clock.now() / 1000));
  await c.fake.post(
    c.fake.envelope({
      messages: [{ from: WA, id: wamid, timestamp: at, type: "system", system: { body: "changed", wa_id: "6289999999999", type: "user_changed_number" } }],
    }),
  );
}

async function setup(...args: Parameters<typeof startCloudHarness>): Promise<CloudHarness> {
  current = await startCloudHarness(...args);
  return current;
}

const balanceOf = (c: CloudHarness, userId: number) =>
  (c.h.app.db.prepare("SELECT COALESCE(SUM(amount), 0) AS b FROM ledger WHERE user_id = ?").get(userId) as { b: number }).b;

describe("WhatsApp Cloud: a whole payment with lists and buttons", () => {
  it("pays BPJS Kesehatan in Indonesian: product list → number → months list → bill buttons → Pay → receipt", async () => {
    const c = await setup({ env: TEMPLATE_ENV });
    const p = c.payer(WA, "Siti");
    const menu = await p.say("halo");
    expect(p.last().body).toMatchObject({ type: "interactive", interactive: { type: "list", action: { button: "Pilih" } } });
    expect(menu).toContain("- BPJS Kesehatan");
    expect(menu).toContain("- BPJS Denda");

    const ask = await p.tap("product:bpjs-kesehatan");
    expect(ask).toContain("nomor peserta BPJS Kesehatan");
    expect(p.last().body).toMatchObject({ interactive: { type: "button" } });
    expect(ask).toContain("[Batal]");

    const months = await p.say("8801234560000");
    expect(p.last().body).toMatchObject({ interactive: { type: "list" } });
    expect(months).toContain("- 2 bulan");

    const bill = await p.tap("months:2");
    expect(bill).toContain("*Total: Rp");
    expect(p.last().body).toMatchObject({ interactive: { type: "button" } });
    expect(p.last().replies.map((r) => r.title)).toEqual([expect.stringMatching(/^Bayar Rp[\d.]+$/), "Batal"]);

    const receipt = await p.tap("pay:");
    expect(receipt).toContain("Pembayaran berhasil");
    expect(receipt).toContain("BPJS Kesehatan");
    expect(c.h.app.repos.transactions.withStatus("paid")).toHaveLength(1);
    expect(c.h.app.simulator?.payCalls().every((call) => call.payCount <= 1)).toBe(true);
    expect(checkInvariants(c.h.app)).toEqual([]);
  });

  it("pays BPJS Kesehatan in English", async () => {
    const c = await setup({ env: { ...TEMPLATE_ENV, DEFAULT_LOCALE: "en" } });
    const p = c.payer(WA);
    expect(await p.say("hello")).toContain("Choose the bill to pay");
    expect(p.last().body).toMatchObject({ interactive: { type: "list", action: { button: "Choose", sections: [{ title: "Options" }] } } });
    expect(await p.tap("product:bpjs-kesehatan")).toContain("BPJS Health participant number");
    expect(await p.say("8801234560000")).toContain("Pay for how many months?");
    const bill = await p.tap("months:1");
    expect(bill).toContain("[Pay Rp");
    expect(bill).toContain("[Cancel]");
    expect(await p.tap("pay:")).toContain("Payment successful");
    expect(checkInvariants(c.h.app)).toEqual([]);
  });

  it("still understands a typed number against the list on screen", async () => {
    const c = await setup();
    const p = c.payer(WA);
    await p.say("halo");
    expect(await p.say("1")).toContain("nomor peserta BPJS Kesehatan");
  });

  it("answers a tap on an older menu as stale, and a reply id that is not ours with a polite refusal", async () => {
    const c = await setup();
    const p = c.payer(WA);
    await p.say("halo");
    const old = c.fake.sent(WA)[0]!.replies.find((r) => r.id.endsWith("product:bpjs-denda"))!;
    await p.tap("product:bpjs-kesehatan");
    await c.fake.reply(WA, old.id, "row");
    await c.settle();
    expect(c.fake.sent(WA).at(-2)?.view).toBe("Tombol ini sudah tidak berlaku.");
    const stateBefore = c.h.app.db.prepare("SELECT state FROM sessions").all();
    await c.fake.reply(WA, "pay:LK0000000000AB");
    await c.fake.reply(WA, "1|pay:LK0000000000AB|extra");
    await c.settle();
    // One refusal a minute is enough, however many forged taps.
    expect(c.fake.sent(WA).at(-1)?.view).toBe("Pilihan ini tidak dikenali. Ketik *menu* untuk mulai lagi.");
    expect(c.fake.sent(WA).filter((m) => m.view.startsWith("Pilihan ini tidak dikenali"))).toHaveLength(1);
    // The engine was not asked: the conversation is where it was.
    expect(c.h.app.db.prepare("SELECT state FROM sessions").all()).toEqual(stateBefore);
  });

  it("keeps one balance for a payer from the Baileys days (same JID, same user)", async () => {
    const c = await setup();
    // Written through Baileys before the switch: the person's phone JID on platform "whatsapp".
    await c.h.app.engine.handle({ platform: "whatsapp", userId: JID, address: JID, messageId: `${JID}|OLD1`, text: "halo" });
    await c.h.app.engine.idle();
    const before = c.h.app.repos.users.findByIdentity("whatsapp", JID)!;
    const balance = balanceOf(c, before.id);
    await c.payer(WA).say("saldo");
    expect(c.h.app.repos.users.findByIdentity("whatsapp", JID)?.id).toBe(before.id);
    expect((c.h.app.db.prepare("SELECT COUNT(*) AS n FROM users").get() as { n: number }).n).toBe(1);
    expect(balanceOf(c, before.id)).toBe(balance);
    expect(c.fake.sent(WA).at(-1)?.view).toContain("Rp1.000.000");
  });

  it("keeps admins listed by number admins, and nobody else", async () => {
    const c = await setup({ env: { ADMIN_WHATSAPP_NUMBERS: WA } });
    expect(await c.payer(WA).say("/stats")).toContain("Statistik");
    expect(await c.payer("6289999999999").say("/stats")).toContain("Perintah tidak dikenal");
  });

  it("recognises an admin listed by LID whose number Baileys linked to it", async () => {
    const LID = "123456789012345@lid";
    const c = await setup({ env: { ADMIN_WHATSAPP_NUMBERS: LID } });
    // Seen through Baileys with both ids.
    await c.h.app.engine.handle({ platform: "whatsapp", userId: LID, aliases: [JID], address: LID, messageId: `${LID}|OLD1`, text: "halo" });
    await c.h.app.engine.idle();
    expect(await c.payer(WA).say("/stats")).toContain("Statistik");
  });

  it("reaches someone last seen by LID through the number Baileys linked to it", async () => {
    const LID = "123456789012345@lid";
    const c = await setup({ env: TEMPLATE_ENV });
    await c.h.app.engine.handle({ platform: "whatsapp", userId: LID, aliases: [JID], address: LID, messageId: `${LID}|OLD1`, text: "halo" });
    await c.h.app.engine.idle();
    const user = c.h.app.repos.users.findByIdentity("whatsapp", LID)!;
    expect(user.address).toBe(LID);
    // Something for them, unasked: it goes to their number (as a template: they never wrote to the Cloud number).
    await c.h.app.commits.run(() => c.h.app.ports.notifier.toAddress("whatsapp", user.address, user.id, { text: "Saldo Anda sudah diisi." }));
    await c.settle();
    expect(c.fake.sent(WA).at(-1)?.view).toBe("template:loket_notice/id: Saldo Anda sudah diisi.");
  });

  it("moves a changed number to the same person", async () => {
    const c = await setup();
    await c.payer(WA).say("halo");
    const user = c.h.app.repos.users.findByIdentity("whatsapp", JID)!;
    await changeNumber(c, "wamid.SYS");
    await c.settle();
    expect(c.h.app.repos.users.findByIdentity("whatsapp", "6289999999999@s.whatsapp.net")?.id).toBe(user.id);
    expect(c.h.app.repos.users.findById(user.id)!.address).toBe("6289999999999@s.whatsapp.net");
  });

  it("after a number change the old number no longer opens the account: whoever gets it later is a stranger", async () => {
    const c = await setup();
    await c.payer(WA).say("halo");
    const user = c.h.app.repos.users.findByIdentity("whatsapp", JID)!;
    await c.h.app.commits.run(() => c.h.app.repos.ledger.post({ userId: user.id, amount: 500_000, kind: "topup", actor: "test", now: c.clock.now() }));
    await changeNumber(c, "wamid.SYS1");
    await c.settle();
    // Months later the carrier gives the old number to someone else, who writes.
    c.clock.advance(120 * 24 * 3_600_000);
    expect(await c.payer(WA, "Stranger").say("/saldo")).not.toContain("1.500.000");
    expect(c.h.app.repos.users.findByIdentity("whatsapp", JID)?.id).not.toBe(user.id);
    // The owner, on the new number, still has their money.
    expect(await c.payer("6289999999999").say("/saldo")).toContain("1.500.000");
  });

  it("an admin (listed by LID) who changed number: whoever gets the old number later gets no dashboard link", async () => {
    const LID = "123456789012345@lid";
    const c = await setup({ env: { ADMIN_WHATSAPP_NUMBERS: LID, PUBLIC_BASE_URL: "https://loket.example.com" } });
    await c.h.app.engine.handle({ platform: "whatsapp", userId: LID, aliases: [JID], address: LID, messageId: `${LID}|OLD1`, text: "halo" });
    await c.h.app.engine.idle();
    expect(await c.payer(WA).say("/dashboard")).toContain("/admin/login?token=");
    await changeNumber(c, "wamid.SYS2");
    await c.settle();
    c.clock.advance(120 * 24 * 3_600_000);
    expect(await c.payer(WA, "Stranger").say("/dashboard")).not.toContain("/admin/login?token=");
  });
});
