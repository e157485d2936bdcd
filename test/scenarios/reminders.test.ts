import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, vi } from "vitest";
import { it } from "../fixtures.ts";
import { fakeClock, type Harness, type PayerDriver } from "../helpers/app-harness.ts";
import { remindMe, runsOf, tick, userIdOf, wib, withSavedNumber } from "../helpers/reminders.ts";

const reminderTexts = (p: PayerDriver) => p.messages().filter((m) => m.text.includes("Pengingat iuran") || m.text.includes("contribution reminder"));

async function payBill(p: PayerDriver, number = "8801234560000"): Promise<string> {
  await p.say("/start");
  await p.tap("product:bpjs-kesehatan");
  await p.say(number);
  await p.tap("months:1");
  return p.tapLike("pay:");
}

function files() {
  const dir = mkdtempSync(join(tmpdir(), "loket-reminders-"));
  return { databasePath: join(dir, "loket.db"), simulatorDbPath: join(dir, "sim.db") };
}

describe("reminders", () => {
  it("one reminder per number per period, 3 days before the 10th at 09:00 WIB, with Pay now and off", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("6001");
    const { savedId } = await withSavedNumber(h, p);
    expect(await remindMe(h, p, savedId)).toContain("Pengingat untuk Ibu menyala");
    await tick(h);
    clock.set(wib(2026, 12, 7, 8, 59));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(0);
    clock.set(wib(2026, 12, 7, 9, 0));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(1);
    const reminder = reminderTexts(p)[0]!;
    expect(reminder.text).toContain("10 Desember 2026");
    expect(reminder.choices!.flat().map((c) => c.id)).toEqual([`rem:pay:${savedId}`, `rem:off:${savedId}`]);
    // Ticks later the same day, and the next days: nothing more for December.
    for (const at of [wib(2026, 12, 7, 9, 1), wib(2026, 12, 8, 9), wib(2026, 12, 10, 20)]) {
      clock.set(at);
      await tick(h);
    }
    expect(reminderTexts(p)).toHaveLength(1);
    expect(runsOf(h, "reminder").map((r) => [r.period, r.status])).toEqual([
      ["2026-12", "done"],
      ["2027-01", "planned"],
    ]);
    // January's, across the month end.
    clock.set(wib(2027, 1, 7, 9, 30));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(2);
    expect(reminderTexts(p)[1]!.text).toContain("10 Januari 2027");
  });

  it("Pay now starts the ordinary inquiry for that number, one month, in one tap", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 7, 9));
    const h = await bot({}, { clock });
    const p = h.payer("6002");
    const { savedId } = await withSavedNumber(h, p);
    await remindMe(h, p, savedId);
    await tick(h);
    const bill = await p.tap(`rem:pay:${savedId}`);
    expect(bill).toContain("Tagihan BPJS Kesehatan");
    expect(bill).toContain("Periode: 1 bulan");
    expect(await p.tapLike("pay:")).toContain("Pembayaran berhasil");
  });

  it("on WhatsApp a typed 1 answers the reminder with Pay now", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 7, 9));
    const h = await bot({}, { clock });
    const p = h.payer("628111000001@s.whatsapp.net", "whatsapp");
    const { savedId } = await withSavedNumber(h, p);
    await remindMe(h, p, savedId);
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(1);
    expect(await p.say("1")).toContain("Tagihan BPJS Kesehatan");
  });

  it("no reminder when a payment of that bill is already recorded for the period (by anyone)", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 2, 10));
    const h = await bot({}, { clock });
    const p = h.payer("6003");
    const other = h.payer("6004");
    const { savedId } = await withSavedNumber(h, p);
    await remindMe(h, p, savedId);
    expect(await payBill(other)).toContain("Pembayaran berhasil");
    clock.set(wib(2026, 12, 7, 9));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(0);
    expect(runsOf(h, "reminder")[0]).toMatchObject({ status: "skipped", reason: "paid" });
  });

  it("a payment made last month does not count for this one; three months paid at once do", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 11, 30, 20));
    const h = await bot({}, { clock });
    const p = h.payer("6005");
    const { savedId } = await withSavedNumber(h, p);
    await remindMe(h, p, savedId);
    expect(await payBill(p)).toContain("Pembayaran berhasil"); // 30 November: November's
    clock.set(wib(2026, 12, 7, 9));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(1);
    // In December, three months: January and February are covered too.
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    await p.tap("months:3");
    expect(await p.tapLike("pay:")).toContain("Pembayaran berhasil");
    clock.set(wib(2027, 1, 7, 9));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(1);
    expect(runsOf(h, "reminder").find((r) => r.period === "2027-01")).toMatchObject({ status: "skipped", reason: "paid" });
  });

  it("quiet hours hold: a reminder caught up at 22:00 WIB waits until 07:00", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("6006");
    const { savedId } = await withSavedNumber(h, p);
    await remindMe(h, p, savedId);
    // The bot was down at 09:00 on the 7th and comes back at 22:00.
    for (const at of [wib(2026, 12, 7, 22), wib(2026, 12, 8, 0, 30), wib(2026, 12, 8, 6, 59)]) {
      clock.set(at);
      await tick(h);
      expect(reminderTexts(p), new Date(at).toISOString()).toHaveLength(0);
    }
    clock.set(wib(2026, 12, 8, 7, 0));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(1);
  });

  it("a reminder that would arrive after the due day is skipped, not sent", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("6007");
    const { savedId } = await withSavedNumber(h, p);
    await remindMe(h, p, savedId);
    await tick(h);
    // Down from the 2nd until the 10th is over (WIB midnight).
    clock.set(wib(2026, 12, 10, 23, 59));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(0); // quiet hours
    clock.set(wib(2026, 12, 11, 0, 0));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(0);
    expect(runsOf(h, "reminder")[0]).toMatchObject({ period: "2026-12", status: "skipped", reason: "late" });
  });

  it("a bot down for the whole window records the period as missed when it plans again", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("6008");
    const { savedId } = await withSavedNumber(h, p);
    await remindMe(h, p, savedId);
    h.app.db.prepare("DELETE FROM reminder_runs").run(); // as if never planned
    clock.set(wib(2026, 12, 20, 10));
    await tick(h);
    expect(runsOf(h, "reminder").map((r) => [r.period, r.status, r.reason])).toEqual([
      ["2026-12", "skipped", "missed"],
      ["2027-01", "planned", null],
    ]);
  });

  it("a payer in the middle of a flow is not interrupted; the reminder follows once the session is done", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 7, 8, 55));
    const h = await bot({}, { clock });
    const p = h.payer("6009");
    const { savedId } = await withSavedNumber(h, p);
    await remindMe(h, p, savedId);
    await p.say("/start");
    await p.tap("product:bpjs-ketenagakerjaan"); // typing a NIK now
    clock.set(wib(2026, 12, 7, 9, 0));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(0);
    clock.set(wib(2026, 12, 7, 9, 30)); // the session's 30 minutes are over
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(1);
  });

  it("the Ketenagakerjaan BPU reminder comes before the 15th", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 12, 9));
    const h = await bot({}, { clock });
    const p = h.payer("6010");
    const { savedId } = await withSavedNumber(h, p, { product: "bpjs-ketenagakerjaan", number: "8102051011270000", label: "Bapak" });
    await remindMe(h, p, savedId);
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(1);
    expect(reminderTexts(p)[0]!.text).toContain("15 Desember 2026");
    expect(reminderTexts(p)[0]!.text).toContain("****0000");
  });

  it("a restart (a new app on the same database) never sends a reminder twice", async ({ bot }) => {
    const f = files();
    const clock = fakeClock(wib(2026, 12, 7, 9));
    const h1 = await bot({}, { ...f, clock });
    const p1 = h1.payer("6011");
    const { savedId } = await withSavedNumber(h1, p1);
    await remindMe(h1, p1, savedId);
    await tick(h1);
    expect(reminderTexts(p1)).toHaveLength(1);
    await h1.close();
    const h2 = await bot({}, { ...f, clock });
    await h2.app.recover();
    await tick(h2);
    clock.advance(60_000);
    await tick(h2);
    expect(reminderTexts(h2.payer("6011"))).toHaveLength(0);
    expect(runsOf(h2, "reminder").filter((r) => r.period === "2026-12")).toEqual([expect.objectContaining({ status: "done" })]);
  });

  it("two tickers on one database (two processes) send one reminder", async ({ bot }) => {
    const f = files();
    const clock = fakeClock(wib(2026, 12, 7, 9));
    const h1 = await bot({}, { ...f, clock });
    const h2 = await bot({}, { ...f, clock });
    for (let i = 0; i < 20; i++) {
      const p = h1.payer(`61${String(i).padStart(2, "0")}`);
      const { savedId } = await withSavedNumber(h1, p, { number: `88012345${String(i).padStart(5, "0")}` });
      await remindMe(h1, p, savedId);
    }
    await Promise.all([h1.app.reminders.tick(), h2.app.reminders.tick(), h1.app.reminders.tick()]);
    await Promise.all([h1.settle(), h2.settle()]);
    // Both apps' outbox senders read the one outbox, so count what was written, not what each delivered.
    const written = h1.app.db.prepare("SELECT address FROM outbox WHERE payload LIKE '%Pengingat iuran%'").all() as { address: string }[];
    expect(written).toHaveLength(20);
    expect(new Set(written.map((r) => r.address)).size).toBe(20);
    expect(runsOf(h1, "reminder").filter((r) => r.status === "done")).toHaveLength(20);
  });

  it("WhatsApp: only to people who have not opted out, paced like broadcasts, within the daily cap it shares with them", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 7, 9));
    const h = await bot({ WHATSAPP_BROADCAST_DAILY_CAP: "3" }, { clock });
    const people: PayerDriver[] = [];
    for (let i = 0; i < 5; i++) {
      const p = h.payer(`62811100010${i}@s.whatsapp.net`, "whatsapp");
      const { savedId } = await withSavedNumber(h, p, { number: `880123456100${i}` });
      await remindMe(h, p, savedId);
      people.push(p);
    }
    await people[4]!.say("berhenti");
    // One broadcast message already went out on WhatsApp today.
    h.app.db
      .prepare(
        "INSERT INTO broadcasts (id, created_by, admin_platform, admin_address, audience, text, status, created_at) VALUES (1, 'a', 'console', 'console', 'whatsapp', 'x', 'done', 0)",
      )
      .run();
    h.app.db
      .prepare("INSERT INTO broadcast_recipients (broadcast_id, user_id, platform, address, state, updated_at) VALUES (1, ?, 'whatsapp', 'x', 'sent', ?)")
      .run(userIdOf(h, people[0]!), clock.now());
    const received = () => people.map((p) => reminderTexts(p).length);
    await tick(h);
    expect(received()).toEqual([1, 0, 0, 0, 0]);
    clock.advance(2_000);
    await tick(h);
    expect(received()).toEqual([1, 0, 0, 0, 0]); // the pause between two WhatsApp messages is 3–6 s
    clock.advance(4_001);
    await tick(h);
    expect(received()).toEqual([1, 1, 0, 0, 0]);
    for (let i = 0; i < 5; i++) {
      clock.advance(6_001);
      await tick(h);
    }
    // The cap of 3 a day: one broadcast + two reminders. The opted-out person's run ends skipped.
    expect(received()).toEqual([1, 1, 0, 0, 0]);
    expect(
      runsOf(h, "reminder")
        .filter((r) => r.period === "2026-12")
        .map((r) => r.status),
    ).toEqual(["done", "done", "planned", "planned", "skipped"]);
    expect(runsOf(h, "reminder").find((r) => r.reason === "opted_out")).toBeDefined();
    // The next WIB day the rest go (still before the due day).
    clock.set(wib(2026, 12, 8, 9));
    for (let i = 0; i < 3; i++) {
      await tick(h);
      clock.advance(6_001);
    }
    expect(received()).toEqual([1, 1, 1, 1, 0]);
  });

  it("WhatsApp reminders sent today count against a broadcast's daily cap too", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 7, 9));
    const h = await bot({}, { clock });
    for (let i = 0; i < 2; i++) {
      const wa = h.payer(`62811100040${i}@s.whatsapp.net`, "whatsapp");
      await remindMe(h, wa, (await withSavedNumber(h, wa, { number: `880123456400${i}` })).savedId);
      await tick(h);
      clock.advance(7_000);
    }
    expect(h.app.repos.reminderRuns.sentSince("whatsapp", wib(2026, 12, 7))).toBe(2);
    const sent: string[] = [];
    h.app.broadcastRunner.register("whatsapp", { inFlight: 1, underDailyCap: (today) => today < 3, send: async (a) => void sent.push(a) });
    const admin = h.payer("9000");
    await admin.say("/broadcast whatsapp Iuran jatuh tempo");
    await admin.tap("admin:yes");
    await new Promise<void>((r) => setImmediate(r));
    await h.app.broadcastRunner.idle();
    expect(sent).toHaveLength(1); // 2 reminders + 1 broadcast message = the cap of 3
  });

  it("reminders held back never hide others: WhatsApp over its cap, a Telegram reminder and an auto-payment behind them", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({ WHATSAPP_BROADCAST_DAILY_CAP: "1" }, { clock });
    for (let i = 0; i < 3; i++) {
      const wa = h.payer(`62811100030${i}@s.whatsapp.net`, "whatsapp");
      await remindMe(h, wa, (await withSavedNumber(h, wa, { number: `880123456300${i}` })).savedId);
    }
    const tg = h.payer("6013");
    await remindMe(h, tg, (await withSavedNumber(h, tg, { number: "8801234563100" })).savedId);
    const { savedId } = await withSavedNumber(h, tg, { number: "8801234563200", label: "Auto" });
    await tg.tap(`rem:autopay:${savedId}`);
    await tg.say("7");
    await tg.say("500rb");
    await tg.tap("rem:apyes");
    clock.set(wib(2026, 12, 7, 9));
    await tick(h);
    clock.advance(7_000);
    await tick(h);
    expect(reminderTexts(tg)).toHaveLength(1);
    expect(h.app.simulator!.payCalls()).toHaveLength(1);
  });

  it("quiet hours hold reminders, not the auto-payment the payer scheduled", async ({ bot }) => {
    const clock = fakeClock(wib(2026, 12, 1, 10));
    const h = await bot({}, { clock });
    const p = h.payer("6014");
    const { savedId } = await withSavedNumber(h, p);
    await remindMe(h, p, savedId);
    await p.tap(`rem:autopay:${savedId}`);
    await p.say("7");
    await p.say("500rb");
    await p.tap("rem:apyes");
    clock.set(wib(2026, 12, 7, 22)); // back after a day down
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(0);
    expect(p.lastText()).toContain("Pembayaran berhasil");
    clock.set(wib(2026, 12, 8, 7));
    await tick(h);
    expect(reminderTexts(p)).toHaveLength(0); // paid meanwhile: the reminder ends skipped
    expect(runsOf(h, "reminder")[0]).toMatchObject({ status: "skipped", reason: "paid" });
  });

  it("the ticker runs on its own once started, on the app's clock", async ({ bot }) => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const clock = fakeClock(wib(2026, 12, 7, 9));
      const h: Harness = await bot({ REMINDER_TICK_SECONDS: "30" }, { clock });
      const p = h.payer("6012");
      const { savedId } = await withSavedNumber(h, p);
      await remindMe(h, p, savedId);
      h.app.reminders.start();
      await vi.waitFor(async () => {
        await h.settle();
        expect(reminderTexts(p)).toHaveLength(1);
      });
      await vi.advanceTimersByTimeAsync(31_000);
      await h.settle();
      expect(reminderTexts(p)).toHaveLength(1);
      await h.app.reminders.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
