import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { type PayerDriver } from "../helpers/app-harness.ts";
import { payCount, toBill } from "../helpers/flows.ts";

async function pay(p: PayerDriver, number = "8801234560000"): Promise<string> {
  await toBill(p, number);
  await p.tapLike("pay:");
  // The receipt names the ref (and carries the offer to save the number).
  return [...p.messages()]
    .reverse()
    .find((m) => /LK[0-9A-Z]{12}/.test(m.text))!
    .text.match(/LK[0-9A-Z]{12}/)![0];
}

describe("payer commands", () => {
  it("commands run in any state, even as the very first message", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6001");
    expect(await p.say("/saldo")).toContain("Rp1.000.000");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    expect(await p.say("/id")).toContain("ID Anda");
    // The flow is where it was: a number still goes on to the months.
    expect(await p.say("8801234560000")).toContain("berapa bulan");
  });

  it("a bad number gets a clear answer, the step asked again, and no provider call", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6002");
    await p.say("/start");
    await p.tap("product:bpjs-ketenagakerjaan");
    const text = await p.say("810205101127000");
    expect(text).toContain("tepat 16 angka");
    expect(text).toContain("NIK");
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM transactions").get()).toEqual({ n: 0 });
  });

  it("history, status and receipt show the payer's own transactions only", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6003");
    const ref = await pay(p);
    expect(await p.say("/riwayat")).toContain(ref);
    expect(await p.say(`/status ${ref}`)).toContain("lunas");
    expect(await p.say(`/struk ${ref}`)).toContain("Pembayaran berhasil");
    expect(await p.say("/struk")).toContain(ref);
    const stranger = h.payer("6004");
    expect(await stranger.say(`/status ${ref}`)).not.toContain(ref);
    expect(await stranger.say(`/struk ${ref}`)).not.toContain("Pembayaran berhasil");
  });

  it("/bahasa switches every later message, and /bahasa alone offers a chooser", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6005");
    expect(await p.say("/bahasa")).toContain("Choose a language");
    await p.tap("lang:en");
    expect(await p.say("/saldo")).toContain("Your balance");
    await p.say("/bahasa id");
    expect(await p.say("/saldo")).toContain("Saldo Anda");
  });

  it("takes the platform's language as the first guess", async ({ bot }) => {
    const h = await bot();
    await h.app.engine.handle({ platform: "telegram", userId: "6006", address: "6006", messageId: "x1", text: "/saldo", localeHint: "en-GB" });
    await h.settle();
    expect(h.sent.at(-1)!.message.text).toContain("Your balance");
  });

  it("saves a number after paying and offers it next time; /simpan deletes it", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6007");
    await pay(p);
    await p.tapLike("save:");
    expect(await p.say("Ibu")).toContain("Ibu");
    await p.say("/start");
    const ask = await p.tap("product:bpjs-kesehatan");
    expect(ask).toContain("Ketik nomor");
    const saved = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("saved:"))!;
    expect(saved.label).toContain("Ibu");
    expect(await p.tap(saved.id, { nonce: p.last().nonce })).toContain("berapa bulan");
    await p.say("/simpan");
    await p.tapLike("unsave:");
    expect(await p.say("/simpan")).toContain("Belum ada nomor tersimpan");
  });

  it("paying ends in the receipt alone, the offer to save its number a button on it; a saved number is not offered again", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6020");
    await toBill(p);
    const before = p.messages().length;
    await p.tapLike("pay:");
    const caused = p.messages().slice(before);
    // "processing…" and then the receipt, both edits of the bill message: nothing after the receipt.
    expect(caused.map((m) => m.tag)).toEqual([expect.stringMatching(/^bill:/), expect.stringMatching(/^bill:/)]);
    const receipt = caused.at(-1)!;
    expect(receipt.text).toContain("berhasil");
    expect(receipt.choices!.flat().map((c) => c.id)).toEqual([expect.stringMatching(/^save:LK/), "menu"]);
    await p.tapLike("save:");
    await p.say("Ibu");
    // The same number again today (confirmed as a second payment): its receipt has no save button.
    await toBill(p);
    await p.tapLike("pay:");
    await p.tapLike("payagain:");
    expect(p.last().text).toContain("berhasil");
    expect(
      p
        .last()
        .choices!.flat()
        .map((c) => c.id),
    ).toEqual(["menu"]);
  });

  it.for(["whatsapp", "console"] as const)(
    "on %s, where a receipt's buttons are not shown, the offer to save follows it as the menu on screen: '1' saves",
    async (platform, { bot }) => {
      const h = await bot();
      const p = h.payer(platform === "whatsapp" ? "6281200000022@s.whatsapp.net" : "console", platform);
      await pay(p);
      const [receipt, offer] = p.messages().slice(-2);
      expect(receipt!.text).toContain("berhasil");
      expect(offer!.text).toContain("Simpan nomor ini untuk pembayaran berikutnya?");
      expect(offer!.nonce).toBeDefined();
      expect(offer!.choices!.flat().map((c) => c.id)).toEqual([expect.stringMatching(/^save:LK/), "menu"]);
      expect(await p.say("1")).toContain("nama");
      expect(await p.say("Ibu")).toContain("Ibu");
      // Saved: the next receipt for it comes alone.
      await p.say("/start");
      await p.say("1");
      await p.say("8801234560000");
      await p.say("1");
      await p.say("1");
      await p.say("1"); // pay again (already paid today)
      expect(p.last().text).toContain("berhasil");
    },
  );

  it("on Telegram a '1' typed after the receipt pays nothing again: the receipt's buttons are not a typed menu", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6023");
    await pay(p);
    expect(p.last().text).toContain("berhasil");
    const before = payCount(h);
    expect(await p.say("1")).toContain("sudah dibayar");
    expect(payCount(h)).toBe(before);
  });

  it("a number saved ninth of its product (past the quick picks) is still known as saved on the receipt", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6021");
    await p.say("/saldo");
    const { user_id: userId } = h.app.db.prepare("SELECT user_id FROM user_identities WHERE external_id = '6021'").get() as { user_id: number };
    for (let i = 1; i <= 8; i++) h.app.repos.savedNumbers.save(userId, "bpjs-kesehatan", `880123456100${i}`, `Nomor ${i}`, 0);
    h.app.repos.savedNumbers.save(userId, "bpjs-kesehatan", "8801234560000", "Ibu", 0);
    await pay(p);
    expect(p.last().text).toContain("berhasil");
    expect(
      p
        .last()
        .choices!.flat()
        .map((c) => c.id),
    ).toEqual(["menu"]);
  });

  it("cancel anywhere; 'menu' returns to the main menu", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6008");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    await p.tap("months:1");
    expect(await p.say("batal")).toContain("Dibatalkan");
    const tx = h.app.db.prepare("SELECT status FROM transactions").get() as { status: string };
    expect(tx.status).toBe("cancelled");
    expect(await p.say("menu")).toContain("Menu utama");
  });

  it("unknown input re-explains the current step", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6009");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    expect(await p.say("hmm?")).toContain("belum mengerti");
    expect(
      p
        .last()
        .choices!.flat()
        .some((c) => c.id.startsWith("months:")),
    ).toBe(true);
  });

  it("the session expires after inactivity and says so", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6010");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    h.clock.advance(31 * 60_000);
    const text = await p.say("8801234560000");
    expect(text).toContain("Sesi sebelumnya berakhir");
  });

  it("a stale menu button is refused politely and changes nothing", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6011");
    await p.say("/start");
    const oldNonce = p.last().nonce!;
    await p.tap("product:bpjs-kesehatan");
    const text = await p.tap("product:bpjs-denda", { nonce: oldNonce });
    expect(text).toContain("tidak berlaku");
  });

  it("/hapus erases saved numbers and masks personal data, keeping the money", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6012");
    await pay(p);
    await p.tapLike("save:");
    await p.say("Kantor");
    await p.say("/hapus");
    await p.tap("erase:yes", { nonce: p.last().nonce });
    const row = h.app.db.prepare("SELECT customer_number, name FROM transactions").get() as { customer_number: string; name: string | null };
    expect(row.customer_number).toBe("*********0000");
    expect(row.name).toBeNull();
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM saved_numbers").get()).toEqual({ n: 0 });
    expect(await p.say("/saldo")).toContain("Rp");
  });

  it("/hapus during an open payment masks that payment too once it settles", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6016");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234561039"); // pending, settles later
    await p.tap("months:1");
    expect(await p.tapLike("pay:")).toContain("diproses");
    await p.say("/hapus");
    await p.tap("erase:yes", { nonce: p.last().nonce });
    const before = h.app.db.prepare("SELECT status, erased FROM transactions").get();
    expect(before).toEqual({ status: "pending", erased: 0 });
    h.app.simulator!.settle((h.app.db.prepare("SELECT ref FROM transactions").get() as { ref: string }).ref, "success");
    h.clock.advance(10_000);
    await h.app.reconciler.runDue();
    await h.settle();
    const row = h.app.db.prepare("SELECT status, customer_number, name, erased FROM transactions").get();
    expect(row).toEqual({ status: "paid", customer_number: "*********1039", name: null, erased: 1 });
  });

  it("/hapus cancels a bill still on screen, so its Pay button cannot send a masked number", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6017");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    await p.tap("months:1");
    const bill = p.last();
    await p.say("/hapus");
    await p.tap("erase:yes", { nonce: p.last().nonce });
    const pay = bill.choices!.flat().find((c) => c.id.startsWith("pay:"))!;
    await p.tap(pay.id, { nonce: bill.nonce });
    expect(h.app.simulator!.payCalls()).toHaveLength(0);
    expect(h.app.db.prepare("SELECT status, customer_number FROM transactions").get()).toEqual({ status: "cancelled", customer_number: "*********0000" });
  });

  it("an old 'check again' button after /hapus asks for the number instead of sending the masked one", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6018");
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560103"); // inquiry times out: a "check again" button
    const failed = await p.tap("months:1");
    const retry = p
      .last()
      .choices!.flat()
      .find((c) => c.id.startsWith("recheck:"))!;
    expect(failed).toBeTruthy();
    await p.say("/hapus");
    await p.tap("erase:yes", { nonce: p.last().nonce });
    const inquiries = () => (h.app.db.prepare("SELECT COUNT(*) AS n FROM transactions").get() as { n: number }).n;
    const count = inquiries();
    const text = await p.tap(retry.id);
    expect(inquiries()).toBe(count);
    expect(text).toContain("tidak tersimpan");
    expect(text).toContain("Ketik nomor peserta");
  });

  it("sixty saved numbers are listed a page at a time, every page within a phone's limits", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6019");
    await p.say("/saldo");
    const user = h.app.repos.users.findByIdentity("telegram", "6019")!;
    for (let i = 0; i < 60; i++)
      h.app.repos.savedNumbers.save(user.id, "bpjs-kesehatan", `88012345${String(i).padStart(5, "0")}`, `Keluarga nomor ${i} ${"x".repeat(14)}`, h.clock.now());
    let text = await p.say("/simpan");
    const seen = new Set<string>();
    for (let page = 1; page <= 8; page++) {
      expect(text).toContain(`halaman ${page} dari 8`);
      expect(text.length).toBeLessThan(1500);
      for (const m of text.matchAll(/88012345\d{5}/g)) seen.add(m[0]);
      if (page < 8) text = await p.tapLike("savedpage:" + (page + 1));
    }
    expect(seen.size).toBe(60);
  });

  it("inquiries are limited per payer per hour", async ({ bot }) => {
    const h = await bot({ INQUIRY_LIMIT_PER_HOUR: "2" });
    const p = h.payer("6013");
    for (let i = 0; i < 2; i++) {
      await p.say("/start");
      await p.tap("product:bpjs-denda");
      expect(await p.say("099994301101")).toContain("BPJS Denda");
      await p.say("batal");
    }
    await p.say("/start");
    await p.tap("product:bpjs-denda");
    expect(await p.say("099994301109")).toContain("terlalu sering");
  });

  it("a payer over the message limit is told so every time, never silently ignored", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6014");
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) answers.push(await p.say("/saldo"));
    expect(answers.slice(0, 30).every((a) => a.includes("Saldo Anda"))).toBe(true);
    expect(answers.slice(30).every((a) => a.includes("terlalu banyak"))).toBe(true);
  });

  it("admins are never rate-limited: forty /topup lines pasted at once all run", async ({ bot }) => {
    const h = await bot();
    await h.payer("6030").say("/start");
    const admin = h.payer("9000");
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) answers.push(await admin.say("/topup tg:6030 1000"));
    expect(answers.every((a) => a.includes("Rp1.000"))).toBe(true);
    const user = h.app.repos.users.findByIdentity("telegram", "6030")!;
    expect(h.app.repos.ledger.balance(user.id)).toBe(1_000_000 + 40_000);
  });

  it("/isi sends a top-up request the admins approve with one tap", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6015");
    expect(await p.say("/isi 50rb")).toContain("Rp50.000");
    const admin = h.payer("9000");
    const notice = h.sent.find((s) => s.address === "9000" && s.message.text.includes("Rp50.000"))!;
    const approve = notice.message.choices!.flat().find((c) => c.id.startsWith("topup:approve:"))!;
    await admin.tap(approve.id);
    expect(p.lastText()).toContain("Rp1.050.000");
    // A second tap (or the other admin) cannot credit twice.
    expect(await admin.tap(approve.id)).toContain("sudah diputuskan");
    expect(await p.say("/saldo")).toContain("Rp1.050.000");
  });
});

describe("identity", () => {
  it("a person seen by one id and then by another (an alias) keeps one balance", async ({ bot }) => {
    const h = await bot();
    await h.app.engine.handle({ platform: "whatsapp", userId: "123@lid", address: "123@lid", messageId: "w1", text: "/saldo" });
    await h.app.engine.handle({
      platform: "whatsapp",
      userId: "6281234@s.whatsapp.net",
      aliases: ["123@lid"],
      address: "6281234@s.whatsapp.net",
      messageId: "w2",
      text: "/saldo",
    });
    await h.app.engine.handle({ platform: "whatsapp", userId: "6281234@s.whatsapp.net", address: "6281234@s.whatsapp.net", messageId: "w3", text: "/saldo" });
    await h.settle();
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM users").get()).toEqual({ n: 1 });
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM user_identities").get()).toEqual({ n: 2 });
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE kind = 'demo'").get()).toEqual({ n: 1 });
  });
});

describe("top-up requests without buttons", () => {
  it("a WhatsApp or console admin approves by typing, and a notice's choices are not numbered", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6101");
    await p.say("/isi 100rb");
    expect(await p.say("/isi 200rb")).toContain("masih menunggu");
    const admin = h.payer("console", "console");
    const notice = h.sent.find((s) => s.platform === "console" && s.message.text.includes("Rp100.000"))!;
    expect(notice.message.nonce).toBeUndefined(); // not a menu: "1" keeps meaning the admin's own menu
    const { renderConsole } = await import("../../src/transports/console/console-chat.ts");
    expect(renderConsole(notice.message)).not.toMatch(/^\s+1\. /m);
    const id = /#(\d+)/.exec(notice.message.text)![1];
    expect(await admin.say(`/setujui ${id}`)).toContain("Rp1.100.000");
    expect(await admin.say(`/tolak ${id}`)).toContain("sudah diputuskan");
    expect(await admin.say("/setujui abc")).toContain("/setujui");
  });
});

describe("review fixes", () => {
  it("a message built inside another is escaped once, not twice", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("6201");
    const ref = await pay(p);
    const text = await p.tap(`pay:${ref}`);
    expect(text).toContain(`<code>${ref}</code>`);
    expect(text).not.toContain("&lt;");
  });

  it("one account cannot use up a number's allowance for everyone else", async ({ bot }) => {
    const h = await bot({ INQUIRY_LIMIT_PER_HOUR: "2" });
    const a = h.payer("6202");
    for (let i = 0; i < 2; i++) {
      await a.say("/start");
      await a.tap("product:bpjs-denda");
      await a.say("099994301101");
      await a.say("batal");
    }
    const b = h.payer("6203");
    await b.say("/start");
    await b.tap("product:bpjs-denda");
    expect(await b.say("099994301101")).toContain("Total");
  });

  it("a person seen apart by two ids before the link was known: admins are told, nothing is merged", async ({ bot }) => {
    const h = await bot();
    await h.app.engine.handle({ platform: "whatsapp", userId: "111@lid", address: "111@lid", messageId: "s1", text: "/saldo" });
    await h.app.engine.handle({ platform: "whatsapp", userId: "6281@s.whatsapp.net", address: "6281@s.whatsapp.net", messageId: "s2", text: "/saldo" });
    await h.app.engine.handle({
      platform: "whatsapp",
      userId: "6281@s.whatsapp.net",
      aliases: ["111@lid"],
      address: "6281@s.whatsapp.net",
      messageId: "s3",
      text: "/saldo",
    });
    await h.settle();
    expect(
      h.sent
        .filter((s) => s.platform === "console")
        .map((s) => s.message.text)
        .join("\n"),
    ).toContain("dua akun");
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM users").get()).toEqual({ n: 2 });
  });
});
