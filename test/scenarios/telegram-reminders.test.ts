import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { fakeClock } from "../helpers/app-harness.ts";
import { wib } from "../helpers/reminders.ts";

describe("telegram: reminders and auto-pay", () => {
  it("a reminder arrives with inline buttons; Pay now shows the bill; an auto-payment's receipt replaces its line", async ({ telegram }) => {
    const th = await telegram({ clock: fakeClock(wib(2026, 12, 1, 10)) });
    const { app } = th.h;
    const p = th.user(4501);
    await p.say("/start");
    const userId = app.repos.users.findByIdentity("telegram", "4501")!.id;
    app.repos.savedNumbers.save(userId, "bpjs-kesehatan", "8801234560000", "Ibu", th.clock.now());
    app.repos.savedNumbers.save(userId, "bpjs-ketenagakerjaan", "8102051011270000", "Bapak", th.clock.now());
    expect(await p.say("/pengingat")).toContain("Pengingat & bayar otomatis"); // as Telegram shows it
    await p.tap("rem:manage:1");
    expect(await p.tap("rem:on:1")).toContain("Pengingat untuk Ibu menyala");
    await p.say("/pengingat");
    await p.tap("rem:manage:2");
    await p.tap("rem:autopay:2");
    await p.say("7");
    await p.say("100rb");
    expect(await p.tap("rem:apyes")).toContain("Bayar otomatis untuk Bapak menyala");

    th.clock.set(wib(2026, 12, 7, 9));
    await app.reminders.tick();
    await th.h.settle();
    const reminder = th.fake.botMessages(4501).find((m) => m.text.includes("Pengingat iuran"))!;
    expect(reminder.buttons.flat().map((b) => b.callback_data.split("|")[1])).toEqual(["rem:pay:1", "rem:off:1"]);
    expect(await p.tap("rem:pay:1")).toContain("Tagihan BPJS Kesehatan");
    // The auto-payment's line became the receipt (edited in place), no extra messages around it.
    const auto = th.fake.botMessages(4501).filter((m) => m.text.includes("BPJS Ketenagakerjaan") && m.text.includes("Pembayaran berhasil"));
    expect(auto).toHaveLength(1);
    expect(auto[0]!.edits).toBeGreaterThan(0);
  });
});
