import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { fakeClock, type Harness } from "../helpers/app-harness.ts";
import { autopayMe, runsOf, tick, wib, withSavedNumber } from "../helpers/reminders.ts";

const settingOf = (h: Harness, userId: number, savedId: number) => h.app.repos.reminderSettings.get(userId, savedId)!;

describe("reminders in the conversation", () => {
  it("saving a number offers the reminder and auto-pay in one tap", async ({ bot }) => {
    const h = await bot({}, { clock: fakeClock(wib(2026, 12, 2, 10)) });
    const p = h.payer("8001");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    await p.tap("months:1");
    await p.tapLike("pay:");
    await p.tapLike("save:");
    const saved = await p.say("Ibu");
    expect(saved).toContain('Nomor disimpan sebagai "Ibu"');
    expect(saved).toContain("Mau saya ingatkan setiap bulan sebelum jatuh tempo (tanggal 10)");
    const ids = p
      .last()
      .choices!.flat()
      .map((c) => c.id);
    expect(ids[0]).toMatch(/^rem:on:\d+$/);
    expect(ids[1]).toMatch(/^rem:autopay:\d+$/);
    expect(await p.tapLike("rem:on:")).toContain("Pengingat untuk Ibu menyala");
    // Paid this month already: the planned December reminder will end skipped, January's is planned.
    expect(runsOf(h, "reminder").map((r) => r.period)).toEqual(["2026-12", "2027-01"]);
  });

  it("BPJS Denda is saved without the offer, and /simpan shows no reminder button for it", async ({ bot }) => {
    const h = await bot({}, { clock: fakeClock(wib(2026, 12, 2, 10)) });
    const p = h.payer("8002");
    await withSavedNumber(h, p, { product: "bpjs-denda", number: "099994301101", label: "Denda" });
    const k = await withSavedNumber(h, p, { label: "Ibu" });
    await p.say("/simpan");
    const ids = p
      .last()
      .choices!.flat()
      .map((c) => c.id);
    expect(ids.filter((id) => id.startsWith("rem:manage:"))).toEqual([`rem:manage:${k.savedId}`]);
    const list = await p.say("/pengingat");
    expect(list).toContain("Ibu");
    expect(list).not.toContain("099994301101");
    expect(list).toContain("BPJS Denda tidak punya jatuh tempo bulanan");
  });

  it("/pengingat: the list, a number's screen, toggles; on and off for everything at once", async ({ bot }) => {
    const h = await bot({}, { clock: fakeClock(wib(2026, 12, 2, 10)) });
    const p = h.payer("8003");
    const a = await withSavedNumber(h, p, { label: "Ibu" });
    const b = await withSavedNumber(h, p, { product: "bpjs-ketenagakerjaan", number: "8102051011270000", label: "Bapak" });
    expect(await p.say("/pengingat")).toContain("🔔 mati · 🔁 mati");
    const screen = await p.tap(`rem:manage:${b.savedId}`);
    expect(screen).toContain("Bapak");
    expect(screen).toContain("tanggal 15");
    expect(screen).toContain("****0000");
    await p.tapLike("rem:on:");
    expect(settingOf(h, a.userId, b.savedId).reminder).toBe(1);
    expect(await p.say("/pengingat on")).toContain("Pengingat dinyalakan untuk 1 nomor");
    expect(settingOf(h, a.userId, a.savedId).reminder).toBe(1);
    await autopayMe(p, a.savedId, 20, "200rb");
    expect(await p.say("/pengingat")).toContain("tanggal 20, maks. Rp200.000");
    expect(await p.say("/pengingat off")).toContain("Semua pengingat dan bayar otomatis Anda dimatikan (3)");
    expect(settingOf(h, a.userId, a.savedId)).toMatchObject({ reminder: 0, autopay: 0 });
    expect(runsOf(h).filter((r) => r.status === "planned")).toEqual([]);
    expect(await p.say("/pengingat off")).toContain("Tidak ada pengingat");
    expect(await p.say("/pengingat kadang")).toContain("Pakai: /pengingat");
  });

  it("WhatsApp: the bare word works, with its argument", async ({ bot }) => {
    const h = await bot({}, { clock: fakeClock(wib(2026, 12, 2, 10)) });
    const p = h.payer("628111000201@s.whatsapp.net", "whatsapp");
    const { userId, savedId } = await withSavedNumber(h, p);
    expect(await p.say("pengingat on")).toContain("Pengingat dinyalakan untuk 1 nomor");
    expect(settingOf(h, userId, savedId).reminder).toBe(1);
    expect(await p.say("pengingat")).toContain("Pengingat &amp; bayar otomatis");
    expect(await p.say("pengingat off")).toContain("dimatikan");
  });

  it("auto-pay setup: junk day and ceiling get a clear answer and change nothing; a typed 1 is the 1st, not a menu choice", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 2, 10));
    const h = await bot({}, { clock });
    const p = h.payer("8004");
    const { userId, savedId } = await withSavedNumber(h, p);
    await p.tap(`rem:manage:${savedId}`);
    expect(await p.tap(`rem:autopay:${savedId}`)).toContain("tanggal berapa");
    for (const junk of ["0", "29", "31", "-3", "abc", "5.5", "10 Desember", "99999999999999999999"]) {
      expect(await p.say(junk), junk).toContain("Ketik satu tanggal dari 1 sampai 28");
    }
    expect(await p.say("1")).toContain("Paling banyak berapa");
    for (const junk of ["0", "abc", "2,500", "5000", "11jt", "-150000", "1".repeat(60), "150.00"]) {
      expect(await p.say(junk), junk).toContain("Ketik jumlah antara Rp10.000 dan Rp10.000.000");
    }
    expect(settingOf(h, userId, savedId).autopay).toBe(0);
    const confirm = await p.say("150rb");
    expect(confirm).toContain("setiap tanggal 1 pukul 09:00 WIB, mulai 1 Januari 2027");
    expect(confirm).toContain("paling banyak Rp150.000");
    expect(settingOf(h, userId, savedId).autopay).toBe(0);
    expect(await p.say("halo")).toContain("belum mengerti");
    expect(await p.tap("rem:apyes")).toContain("Bayar otomatis untuk Ibu menyala");
    expect(settingOf(h, userId, savedId)).toMatchObject({ autopay: 1, autopay_day: 1, autopay_ceiling: 150_000 });
    // The confirm button again (a double tap, an old message): stale, nothing changes.
    expect(await p.tap("rem:apyes", { nonce: p.messages().find((m) => m.text.includes("Dengan memilih Nyalakan"))!.nonce })).toContain("tidak berlaku");
  });

  it("auto-pay setup can be cancelled, and a confirm that lost its setup is refused", async ({ bot }) => {
    const h = await bot({}, { clock: fakeClock(wib(2026, 12, 2, 10)) });
    const p = h.payer("8005");
    const { userId, savedId } = await withSavedNumber(h, p);
    await p.tap(`rem:autopay:${savedId}`);
    await p.say("5");
    expect(await p.say("batal")).toContain("Dibatalkan");
    expect(await p.say("150rb")).not.toContain("Bayar otomatis");
    expect(settingOf(h, userId, savedId).autopay).toBe(0);
    // The number deleted half-way: the setup ends, politely.
    await p.tap(`rem:autopay:${savedId}`);
    await p.say("5");
    h.app.repos.savedNumbers.remove(userId, savedId);
    expect(await p.say("150rb")).toContain("Nomor ini sudah tidak tersimpan");
  });

  it("stale and forged reminder buttons are answered and change nothing", async ({ bot }) => {
    const h = await bot({}, { clock: fakeClock(wib(2026, 12, 2, 10)) });
    const p = h.payer("8006");
    const q = h.payer("8007");
    const mine = await withSavedNumber(h, p);
    const denda = await withSavedNumber(h, p, { product: "bpjs-denda", number: "099994301101", label: "Denda" });
    const theirs = await withSavedNumber(h, q, { number: "8801234569999", label: "Orang lain" });
    expect(await p.tap(`rem:on:${theirs.savedId}`)).toContain("sudah tidak tersimpan");
    expect(settingOf(h, theirs.userId, theirs.savedId).reminder).toBe(0);
    expect(await p.tap(`rem:pay:${theirs.savedId}`)).toContain("sudah tidak tersimpan");
    expect(await p.tap(`rem:on:${denda.savedId}`)).toContain("tidak punya jatuh tempo bulanan");
    expect(await p.tap(`rem:autopay:${denda.savedId}`)).toContain("tidak punya jatuh tempo bulanan");
    for (const forged of ["rem:on:0", "rem:on:-1", "rem:bogus:1", "rem:on:1x", "rem:page:99999999999999"]) {
      expect(await p.tap(forged), forged).toContain("Tombol ini sudah tidak berlaku");
    }
    await p.say("/simpan");
    await p.tap(`unsave:${mine.savedId}`);
    expect(await p.tap(`rem:manage:${mine.savedId}`)).toContain("sudah tidak tersimpan");
  });

  it("/hapus removes the settings and planned runs; the finished history stays, without the number", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 7, 9));
    const h = await bot({}, { clock });
    const p = h.payer("8008");
    const { savedId } = await withSavedNumber(h, p);
    await p.tap(`rem:on:${savedId}`);
    await tick(h);
    expect(runsOf(h, "reminder").map((r) => r.status)).toEqual(["done", "planned"]);
    await p.say("/hapus");
    await p.tapLike("erase:yes");
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM reminder_settings").get()).toEqual({ n: 0 });
    expect(runsOf(h)).toEqual([expect.objectContaining({ status: "done", saved_number_id: null })]);
    clock.set(wib(2027, 1, 7, 9));
    await tick(h);
    expect(runsOf(h)).toHaveLength(1);
  });

  it("with REMINDERS=false nothing new is offered, and off still works", async ({ bot }) => {
    const h = await bot({ REMINDERS: "false" }, { clock: fakeClock(wib(2026, 12, 2, 10)) });
    const p = h.payer("8012");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    await p.tap("months:1");
    await p.tapLike("pay:");
    await p.tapLike("save:");
    expect(await p.say("Ibu")).not.toContain("ingatkan");
    const { userId, savedId } = await withSavedNumber(h, p, { label: "Ibu" });
    await p.say("/simpan");
    expect(
      p
        .last()
        .choices!.flat()
        .some((c) => c.id.startsWith("rem:")),
    ).toBe(false);
    expect(await p.say("/pengingat")).toContain("sedang tidak tersedia");
    expect(await p.tap(`rem:on:${savedId}`)).toContain("sedang tidak tersedia");
    expect(settingOf(h, userId, savedId).reminder).toBe(0);
    expect(await p.say("/pengingat off")).toContain("Tidak ada pengingat");
  });

  it("in English too", async ({ bot }) => {
    const h = await bot({}, { clock: fakeClock(wib(2026, 12, 7, 9)) });
    const p = h.payer("8009");
    const { savedId } = await withSavedNumber(h, p, { label: "Mum" });
    await p.say("/bahasa en");
    expect(await p.say("/reminders")).toContain("Reminders &amp; auto-pay");
    expect(await p.tap(`rem:on:${savedId}`)).toContain("Reminder for Mum is on");
    await tick(h);
    expect(p.lastText()).toContain("BPJS Health contribution reminder");
    expect(p.lastText()).toContain("Due <b>10 December 2026</b>");
    expect(
      p
        .last()
        .choices!.flat()
        .map((c) => c.label),
    ).toEqual(["Pay now", "Turn reminder off"]);
  });

  it("labels are the payer's own text: escaped in messages, verbatim on buttons", async ({ bot }) => {
    const h = await bot({}, { clock: fakeClock(wib(2026, 12, 7, 9)) });
    const p = h.payer("8010");
    const { savedId } = await withSavedNumber(h, p, { label: "<b>Ibu</b> & co" });
    await p.tap(`rem:on:${savedId}`);
    await tick(h);
    expect(p.lastText()).toContain("&lt;b&gt;Ibu&lt;&#x2F;b&gt; &amp; co");
    await p.say("/pengingat");
    expect(p.last().choices!.flat()[0]!.label).toBe("⚙ <b>Ibu</b> & co");
  });

  it("/stats counts reminders sent and auto-payments made, failed and skipped", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("8011");
    const ok = await withSavedNumber(h, p, { label: "A" });
    const fails = await withSavedNumber(h, p, { number: "8801234560103", label: "B" });
    const paid = await withSavedNumber(h, p, { number: "8801234560001", label: "C" });
    await p.tap(`rem:on:${ok.savedId}`);
    for (const s of [ok, fails, paid]) await autopayMe(p, s.savedId, 8, "500rb");
    clock.set(wib(2026, 12, 7, 9));
    await tick(h);
    clock.set(wib(2026, 12, 8, 9));
    await tick(h);
    const stats = await h.payer("9000").say("/stats");
    expect(stats).toContain("Pengingat terkirim: hari ini 0, bulan ini 1");
    expect(stats).toContain("Bayar otomatis bulan ini: 1 dibayar, 1 gagal, 1 dilewati");
  });
});
