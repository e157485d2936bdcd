import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";

describe("telegram: broadcast through the shared limiter", () => {
  it("delivers an announcement once each, marks the blocked, edits the admin's progress in place", async ({ telegram }) => {
    const th = await telegram({ env: { ADMIN_TELEGRAM_IDS: "9000" } });
    expect(th.h.app.broadcastRunner.channelOf("telegram")).toBe(th.transport.broadcastChannel);
    for (const id of [4911, 4912, 4913]) await th.user(id).say("/start");
    th.fake.block(4913);
    const admin = th.user(9000);
    expect(await admin.say("/broadcast telegram Iuran <b>jatuh</b> tempo & bayar")).toMatch(/Pratinjau/);
    await admin.tap("admin:yes");
    await new Promise<void>((r) => setImmediate(r));
    await th.h.app.broadcastRunner.idle();
    await th.transport.idle();

    for (const id of [4911, 4912]) {
      const got = th.fake.botMessages(id).filter((m) => m.text.includes("Iuran <b>jatuh</b> tempo & bayar"));
      expect(got).toHaveLength(1);
    }
    expect(th.h.app.repos.users.findByIdentity("telegram", "4913")!.blocked).toBe(1);
    const progress = th.fake.botMessages(9000).filter((m) => /selesai/.test(m.text));
    expect(progress).toHaveLength(1);
  });
});

describe("telegram: a large broadcast against an API that enforces its rate", () => {
  it("thousands of recipients: stays under the limit, rides out 429s, marks the blocked, skips the opted-out, never twice", async ({ telegram }) => {
    const { startFakeTelegram } = await import("../fakes/telegram-api.ts");
    const { inTransaction } = await import("../../src/db/open.ts");
    // Scaled up from Telegram's 30/s so the test stays quick: the fake enforces 600/s, we send at 500/s.
    const fake = await startFakeTelegram({ sendsPerSecond: 600 });
    const th = await telegram({ fake, env: { ADMIN_TELEGRAM_IDS: "9000", TELEGRAM_BROADCAST_RATE: "500", BROADCAST_IN_FLIGHT: "8" } });
    const app = th.h.app;
    const N = 2000;
    inTransaction(app.db, () => {
      for (let i = 0; i < N; i++) {
        const id = String(600_000 + i);
        app.repos.users.create({ platform: "telegram", externalId: id, address: id, locale: "id", now: 0 });
      }
    });
    app.repos.users.setBroadcastOptOut(app.repos.users.findByIdentity("telegram", "600005")!.id, true);
    for (const id of [600007, 600008]) fake.block(id);
    const admin = th.user(9000);
    await admin.say("/broadcast Iuran jatuh tempo tanggal 10");
    // Telegram pushes back a few times in the middle of the run.
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } }, 2);
    await admin.tap("admin:yes");
    await new Promise<void>((r) => setImmediate(r));
    await app.broadcastRunner.idle();

    const sends = fake.calls.filter((c) => c.method === "sendMessage" && Number(c.payload.chat_id) >= 600_000 && c.status === "ok");
    const chats = sends.map((c) => Number(c.payload.chat_id));
    expect(new Set(chats).size).toBe(chats.length); // nobody twice
    expect(chats).toHaveLength(N - 1 - 2); // everyone but the opted-out and the blocked
    expect(fake.rateLimitedCount()).toBe(0); // the shared limiter kept under the enforced rate
    expect(app.repos.users.findByIdentity("telegram", "600007")!.blocked).toBe(1);
    const counts = app.db.prepare("SELECT state, COUNT(*) AS n FROM broadcast_recipients GROUP BY state ORDER BY state").all();
    expect(counts).toEqual([
      { state: "blocked", n: 2 },
      { state: "sent", n: N - 3 + 1 }, // + the admin
      { state: "skipped", n: 1 },
    ]);
    await th.close();
    await fake.close();
  }, 30_000);
});

describe("telegram: payers and a broadcast against Telegram's limits", () => {
  it("a broadcast alongside paying payers: zero 429s, and no payer reply ever waits for it", async ({ telegram }) => {
    const { startFakeTelegram } = await import("../fakes/telegram-api.ts");
    const { inTransaction } = await import("../../src/db/open.ts");
    // Telegram's limits scaled ten times so the test stays quick: 300 proactive messages a second
    // across chats, a burst of 10 and then one a second in each chat; the bot paces at 250.
    const fake = await startFakeTelegram({ limits: { bulkPerSecond: 300, chatBurst: 10, chatPerSecond: 1 } });
    // Enough sends in flight that only the pacing holds the broadcast back.
    const th = await telegram({ fake, env: { ADMIN_TELEGRAM_IDS: "9000", TELEGRAM_BROADCAST_RATE: "250", BROADCAST_IN_FLIGHT: "16" } });
    const app = th.h.app;
    const N = 1200;
    inTransaction(app.db, () => {
      for (let i = 0; i < N; i++)
        app.repos.users.create({ platform: "telegram", externalId: String(700_000 + i), address: String(700_000 + i), locale: "id", now: 0 });
    });
    const admin = th.user(9000);
    await admin.say("/broadcast Iuran jatuh tempo tanggal 10");
    await admin.tap("admin:yes");
    // Ten payers pay their bills while the broadcast runs (about five seconds at 250 a second).
    const payers = Array.from({ length: 10 }, async (_, i) => {
      const p = th.user(4960 + i);
      await p.say("/start");
      await p.tap("product:bpjs-kesehatan");
      await p.say(`88012345${String(60 + i).padStart(5, "0")}`);
      await p.tap("months:1");
      return p.tap("pay:");
    });
    const receipts = await Promise.all(payers);
    const during = app.db.prepare("SELECT COUNT(*) AS n FROM broadcast_recipients WHERE state = 'pending'").get() as { n: number };
    expect(during.n).toBeGreaterThan(0); // the payers were served while the broadcast ran
    await app.broadcastRunner.idle();
    await th.transport.idle();

    expect(receipts.every((r) => r.includes("Pembayaran berhasil"))).toBe(true);
    expect(fake.rateLimitedCount()).toBe(0);
    const stats = th.transport.flood.stats();
    expect(stats.payerWaits).toBe(0);
    expect(stats.broadcastWaits).toBeGreaterThan(0);
    const sent = app.db.prepare("SELECT COUNT(*) AS n FROM broadcast_recipients WHERE state = 'sent'").get() as { n: number };
    expect(sent.n).toBe(N + 1); // everyone known when it started, the admin included, once
    await th.close();
    await fake.close();
  }, 30_000);

  it("a chat over Telegram's per-chat limit is paused alone, and everything still arrives", async ({ telegram }) => {
    const { startFakeTelegram } = await import("../fakes/telegram-api.ts");
    const fake = await startFakeTelegram({ limits: { bulkPerSecond: 1000, chatBurst: 3, chatPerSecond: 1, secondMs: 20 } });
    const th = await telegram({ fake, deps: { retry: { retryAfterUnitMs: 20, maxAttempts: 5 } } });
    const sender = th.transport.sender;
    const busy = (async () => {
      for (let i = 0; i < 6; i++) await sender.send("4990", { text: `pesan ${i}` }, null);
    })();
    const quiet = Promise.all([1, 2, 3].map((i) => sender.send("4991", { text: `lain ${i}` }, null)));
    await Promise.all([busy, quiet]);
    expect(fake.botMessages(4990).map((m) => m.text)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `pesan ${i}`));
    expect(fake.botMessages(4991)).toHaveLength(3);
    expect(fake.rateLimitedCount()).toBeGreaterThan(0);
    expect(fake.callsOf("sendMessage", 4991).every((c) => c.status === "ok")).toBe(true);
    const stats = th.transport.flood.stats();
    expect(stats.chatPauses).toBeGreaterThan(0);
    expect(stats.botPauses).toBe(0);
    // The guard in close() flags refused calls as ill-formed only for HTML problems; 429s are fine.
    await th.close();
    await fake.close();
  });
});
