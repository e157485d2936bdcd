import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { checkInvariants } from "../helpers/app-harness.ts";

describe("telegram: full payments over HTTP", () => {
  it("pays BPJS Kesehatan with months chosen, editing the bill into its outcome", async ({ telegram }) => {
    const th = await telegram();
    const p = th.user(4101);
    expect(await p.say("/start")).toContain("Loket");
    const menu = th.fake.botMessages(4101).at(-1)!;
    expect(menu.parse_mode).toBe("HTML");
    // Buttons carry `<menu nonce>|<choice id>`.
    expect(menu.buttons.flat().map((b) => b.callback_data)).toContain("1|product:bpjs-kesehatan");

    await p.tap("product:bpjs-kesehatan");
    const months = await p.say("8801234560000");
    expect(months).toMatch(/bulan/);
    const bill = await p.tap("months:3");
    expect(bill).toContain("Total");
    const billMessage = th.fake.botMessages(4101).at(-1)!;
    expect(billMessage.buttons.flat().map((b) => b.callback_data)).toEqual([
      expect.stringMatching(/^\d+\|pay:LK[0-9A-Z]{12}$/),
      expect.stringMatching(/^\d+\|cancel:LK[0-9A-Z]{12}$/),
    ]);

    const receipt = await p.tap("pay:");
    expect(receipt).toMatch(/Pembayaran berhasil/);
    // The bill became "processing" and then the receipt, in place: its Pay button is gone.
    const edited = th.fake.botMessages(4101).find((m) => m.message_id === billMessage.message_id)!;
    expect(edited.edits).toBeGreaterThan(1);
    expect(edited.buttons.flat().some((b) => b.callback_data.includes("pay:"))).toBe(false);
    // The receipt shows the ref as <code>.
    expect(edited.html).toMatch(/Pembayaran berhasil/);
    expect(edited.html).toMatch(/<code>LK[0-9A-Z]{12}<\/code>/);
    expect(th.h.app.simulator!.payCalls().every((c) => c.payCount <= 1)).toBe(true);
    expect(checkInvariants(th.h.app)).toEqual([]);
  });

  it("pays BPJS Ketenagakerjaan by NIK", async ({ telegram }) => {
    const th = await telegram();
    const p = th.user(4102);
    await p.say("/start");
    await p.tap("product:bpjs-ketenagakerjaan");
    await p.say("8102051011270000");
    const bill = await p.tap("months:1");
    expect(bill).toContain("Total");
    expect(bill).toContain("0000"); // NIK shown by its last four digits
    expect(bill).not.toContain("8102051011270000");
    expect(await p.tap("pay:")).toMatch(/Pembayaran berhasil/);
    expect(checkInvariants(th.h.app)).toEqual([]);
  });

  it("pays BPJS Denda, keeping the leading zero", async ({ telegram }) => {
    const th = await telegram();
    const p = th.user(4103);
    await p.say("/start");
    await p.tap("product:bpjs-denda");
    const bill = await p.say("099994301101");
    expect(bill).toContain("099994301101");
    expect(bill).toContain("Total");
    expect(await p.tap("pay:")).toMatch(/Pembayaran berhasil/);
    expect(th.h.app.repos.transactions.recentForUser(th.h.app.repos.users.findByIdentity("telegram", "4103")!.id, 5)[0]!.status).toBe("paid");
    expect(checkInvariants(th.h.app)).toEqual([]);
  });

  it("registers the command menu in Indonesian and English and the menu button", async ({ telegram }) => {
    const th = await telegram();
    expect(th.fake.commands("")?.map((c) => c.command)).toEqual([
      "start",
      "saldo",
      "isi",
      "riwayat",
      "struk",
      "simpan",
      "pengingat",
      "bahasa",
      "id",
      "bantuan",
      "batal",
    ]);
    expect(th.fake.commands("en")?.map((c) => c.command)).toContain("balance");
    expect(th.fake.commands("en")?.find((c) => c.command === "balance")?.description).toMatch(/Balance/);
    expect(th.fake.menuButton()).toEqual({ type: "commands" });
    expect(th.fake.callsOf("deleteWebhook")).toHaveLength(1);
  });
});

describe("telegram: typed choices answer the menu on screen", () => {
  it("a '1' typed twice at the months menu pays nothing when the second was stored before the bill appeared", async ({ telegram }) => {
    const th = await telegram();
    const p = th.user(4150);
    await p.say("/start");
    await p.tap("product:bpjs-kesehatan");
    expect(await p.say("8801234560000")).toMatch(/bulan/);
    // Both typed at the months menu and stored before either is handled (the first one's inquiry
    // would otherwise still be running when the second arrives).
    await th.restartTransport({ processUpdates: false });
    const first = th.fake.sendText(p.user, "1");
    const second = th.fake.sendText(p.user, "1");
    await th.fake.waitConfirmed(second);
    await th.restartTransport();
    await th.handled(first);
    await th.handled(second);
    expect(th.h.app.simulator!.payCalls()).toHaveLength(0);
    expect(p.lastText()).toContain("sebelum pilihan");
    // "1" typed now, with the bill on screen, pays it.
    await p.say("1");
    expect(th.h.app.simulator!.payCalls()).toHaveLength(1);
    expect(checkInvariants(th.h.app)).toEqual([]);
  });
});
