import { afterEach, describe, expect, it } from "vitest";
import { checkInvariants, fakeClock } from "../helpers/app-harness.ts";
import { startFakeTelegram } from "../fakes/telegram-api.ts";
import { createLogger } from "../../src/logger.ts";
import { createTelegramInbox } from "../../src/db/telegram-inbox-repo.ts";
import { startupRetryDelayMs } from "../../src/transports/telegram/start-telegram.ts";
import { startTelegramHarness, tempDir, type TelegramHarness } from "../transports/telegram/harness.ts";

let th: TelegramHarness | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await th?.close();
  th = undefined;
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Drives a payer to a bill on screen. */
async function toBill(harness: TelegramHarness, id: number, number = "8801234560000") {
  const p = harness.user(id);
  await p.say("/start");
  await p.tap("product:bpjs-kesehatan");
  await p.say(number);
  await p.tap("months:1");
  return p;
}

describe("telegram: exactly-once effects", () => {
  it("a double tap on Pay pays once", async () => {
    th = await startTelegramHarness();
    const p = await toBill(th, 4201);
    const bill = th.fake.botMessages(4201).at(-1)!;
    const pay = bill.buttons.flat().find((b) => b.callback_data.includes("|pay:"))!;
    const first = th.fake.tap(p.user, bill.message_id, pay.callback_data);
    const second = th.fake.tap(p.user, bill.message_id, pay.callback_data);
    await th.handled(first);
    await th.handled(second);
    const payCalls = th.h.app.simulator!.payCalls();
    expect(payCalls.length).toBe(1);
    expect(payCalls[0]!.payCount).toBeLessThanOrEqual(1);
    expect(checkInvariants(th.h.app)).toEqual([]);
    // Both taps were answered; the second one told the payer what happened instead of paying.
    expect(th.fake.callsOf("answerCallbackQuery").length).toBeGreaterThanOrEqual(2);
    expect(p.screen().join("\n")).toMatch(/Pembayaran berhasil[\s\S]*sudah dibayar/);
  });

  it("a tap behind a busy chat has its spinner stopped at once, and still pays once", async () => {
    th = await startTelegramHarness();
    const p = await toBill(th, 4203);
    const first = th.fake.tapChoice(p.user, "pay:");
    const firstQuery = th.fake.queryIdOf(first.updateId);
    // The first tap's handling is stuck at its very first step: the chat is busy.
    const hold = th.fake.hold("answerCallbackQuery", (payload) => payload.callback_query_id === firstQuery);
    await hold.arrived;
    const second = th.fake.tap(p.user, first.messageId, first.data);
    const secondQuery = th.fake.queryIdOf(second);
    await th.fake.waitForCall((c) => c.method === "answerCallbackQuery" && c.payload.callback_query_id === secondQuery, "the early answer");
    expect(th.fake.callsOf("answerCallbackQuery").map((c) => c.payload.callback_query_id)).not.toContain(firstQuery);
    hold.release();
    await th.handled(first.updateId);
    await th.handled(second);
    expect(th.h.app.simulator!.payCalls()).toHaveLength(1);
    // Each query was answered exactly once.
    expect(th.fake.callsOf("answerCallbackQuery").filter((c) => c.payload.callback_query_id === secondQuery)).toHaveLength(1);
    expect(checkInvariants(th.h.app)).toEqual([]);
  });

  it("the same update delivered twice has one effect", async () => {
    th = await startTelegramHarness();
    const p = th.user(4202);
    await p.say("/start");
    const id = th.fake.sendText(p.user, "/saldo");
    await th.handled(id);
    const inbox = createTelegramInbox(th.h.app.db);
    const sent = () => th!.fake.callsOf("sendMessage", 4202).length;
    const before = sent();

    // Telegram lost our confirmation; after a restart it delivers the update again.
    th.fake.rewind(id);
    const mark = th.fake.calls.length;
    await th.restartTransport();
    await th.fake.waitForCall((c) => c.seq > mark && c.method === "getUpdates" && Number(c.payload.offset) > id, "the re-delivery to be confirmed");
    await th.transport.idle();
    expect(sent()).toBe(before);
    expect(inbox.unprocessedCount()).toBe(0);

    // Even when its inbox row is gone (pruned), the engine's inbound ids make it a no-op.
    th.h.app.db.prepare("DELETE FROM telegram_updates WHERE update_id = ?").run(id);
    th.fake.rewind(id);
    const calls = th.fake.calls.length;
    await th.restartTransport();
    await th.fake.waitForCall((c) => c.seq > calls && c.method === "getUpdates" && Number(c.payload.offset) > id, "the second re-delivery to be confirmed");
    await th.handled(id);
    expect(inbox.get(id)?.processed_at).not.toBeNull();
    expect(sent()).toBe(before);
  });
});

describe("telegram: nothing lost", () => {
  it("a crash between fetching and handling loses nothing: stored rows are handled on the next start", async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.remove());
    const fake = await startFakeTelegram();
    cleanups.push(() => fake.close());
    const clock = fakeClock();
    const first = await startTelegramHarness({ fake, clock, databasePath: tmp.db, simulatorDbPath: tmp.simDb, deps: { processUpdates: false } });
    const id = fake.sendText({ id: 4301, first_name: "Crash" }, "/start");
    // Stored, and confirmed to Telegram by the next getUpdates: Telegram will never send it again.
    await fake.waitConfirmed(id);
    expect(fake.unconfirmed()).not.toContain(id);
    expect(createTelegramInbox(first.h.app.db).get(id)?.processed_at).toBeNull();
    expect(fake.callsOf("sendMessage", 4301)).toHaveLength(0);
    await first.close(); // the process dies here without having handled it

    const second = await startTelegramHarness({ fake, clock, databasePath: tmp.db, simulatorDbPath: tmp.simDb });
    cleanups.push(() => second.close());
    await second.handled(id);
    expect(fake.botMessages(4301).at(-1)?.text).toContain("Loket");
    expect(createTelegramInbox(second.h.app.db).get(id)?.processed_at).not.toBeNull();
  });

  it("an update that could not be stored is not confirmed, and is fetched again", async () => {
    th = await startTelegramHarness({ deps: { pollBackoff: { firstMs: 5, maxMs: 20 } } });
    th.h.app.db.exec("ALTER TABLE telegram_updates RENAME TO telegram_updates_away");
    const mark = th.fake.calls.length;
    const id = th.fake.sendText({ id: 4305 }, "/start");
    // The poller keeps asking for the same batch without confirming it.
    await th.fake.waitForCall((c) => c.seq > mark + 2 && c.method === "getUpdates", "repeated getUpdates");
    expect(th.fake.unconfirmed()).toContain(id);
    expect(th.fake.calls.slice(mark).every((c) => c.method !== "getUpdates" || !(Number(c.payload.offset) > id))).toBe(true);
    th.h.app.db.exec("ALTER TABLE telegram_updates_away RENAME TO telegram_updates");
    await th.handled(id);
    expect(th.fake.unconfirmed()).not.toContain(id);
    expect(th.fake.botMessages(4305).at(-1)?.text).toContain("Loket");
  });

  it("a restart mid-flow resumes from SQLite", async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.remove());
    const fake = await startFakeTelegram();
    cleanups.push(() => fake.close());
    const clock = fakeClock();
    const first = await startTelegramHarness({ fake, clock, databasePath: tmp.db, simulatorDbPath: tmp.simDb });
    const p1 = first.user(4302);
    await p1.say("/start");
    await p1.tap("product:bpjs-kesehatan");
    await p1.say("8801234560000");
    expect(p1.lastText()).toMatch(/berapa bulan/);
    await first.close();

    const second = await startTelegramHarness({ fake, clock, databasePath: tmp.db, simulatorDbPath: tmp.simDb });
    cleanups.push(() => second.close());
    const p2 = second.user(4302);
    // The months buttons on screen came from the first run; their nonce is still the session's.
    expect(await p2.tap("months:2")).toContain("Total");
    expect(await p2.tap("pay:")).toMatch(/Pembayaran berhasil/);
    expect(checkInvariants(second.h.app)).toEqual([]);
  });

  it("a pending payment that settles reaches the payer without asking", async () => {
    th = await startTelegramHarness();
    const p = await toBill(th, 4303, "8801234561039");
    const pending = await p.tap("pay:");
    expect(pending).toMatch(/masih diproses/);
    const before = th.fake.calls.length;
    th.clock.advance(20_000);
    await th.h.app.reconciler.runDue();
    await th.transport.idle();
    const after = th.fake.calls
      .slice(before)
      .filter((c) => (c.method === "sendMessage" || c.method === "editMessageText") && Number(c.payload.chat_id) === 4303);
    expect(after.length).toBeGreaterThan(0);
    expect(p.screen().join("\n")).toMatch(/Pembayaran berhasil/);
    expect(checkInvariants(th.h.app)).toEqual([]);
  });

  it("graceful stop finishes the update in flight and drains the outbox", async () => {
    th = await startTelegramHarness();
    const p = await toBill(th, 4304);
    const hold = th.fake.hold("answerCallbackQuery");
    const tap = th.fake.tapChoice(p.user, "pay:");
    await hold.arrived;
    const stopped = th.transport.stop();
    hold.release();
    await stopped;
    expect(p.screen().join("\n")).toMatch(/Pembayaran berhasil/);
    expect(createTelegramInbox(th.h.app.db).get(tap.updateId)?.processed_at).not.toBeNull();
    expect(th.h.app.repos.outbox.unsentCount()).toBe(0);
  });
});

describe("telegram: hostile input", () => {
  it("a forged callback does nothing but answer politely", async () => {
    th = await startTelegramHarness();
    const p = await toBill(th, 4401);
    const bill = th.fake.botMessages(4401).at(-1)!;
    const sentBefore = th.fake.callsOf("sendMessage", 4401).length;
    const stepBefore = th.h.app.repos.sessions.get(th.h.app.repos.users.findByIdentity("telegram", "4401")!.id)!.state;

    for (const data of ["garbage", "1|pay:LK' OR 1=1", "|drop table", "9".repeat(70), "x|menu", "1|product:bpjs-kesehatan|x"]) {
      const id = th.fake.tap(p.user, bill.message_id, data);
      await th.handled(id);
      const answer = th.fake.callsOf("answerCallbackQuery").at(-1)!;
      expect(answer.payload.text).toMatch(/tidak berlaku/);
    }
    expect(th.fake.callsOf("sendMessage", 4401).length).toBe(sentBefore);
    expect(th.h.app.repos.sessions.get(th.h.app.repos.users.findByIdentity("telegram", "4401")!.id)!.state).toBe(stepBefore);

    // Well-formed but not ours: someone else's ref, and a menu button with a made-up nonce.
    await th.handled(th.fake.tap(p.user, bill.message_id, "|pay:LK0000000000AA"));
    await th.handled(th.fake.tap(p.user, bill.message_id, "999|product:bpjs-denda"));
    expect(th.h.app.simulator!.payCalls()).toHaveLength(0);
    expect(p.screen().slice(-3).join("\n")).toMatch(/tidak berlaku/);
    expect(checkInvariants(th.h.app)).toEqual([]);
  });

  it("a stale button from an older menu is refused by the engine", async () => {
    th = await startTelegramHarness();
    const p = th.user(4402);
    await p.say("/start");
    const oldMenu = th.fake.botMessages(4402).at(-1)!;
    await p.say("/saldo");
    const stale = oldMenu.buttons.flat().find((b) => b.callback_data.endsWith("|product:bpjs-denda"))!;
    await th.handled(th.fake.tap(p.user, oldMenu.message_id, stale.callback_data));
    expect(p.screen().join("\n")).toMatch(/tidak berlaku/);
  });
});

describe("telegram: API faults", () => {
  it("rides out a 429 storm: every message arrives, in order", async () => {
    th = await startTelegramHarness();
    const storm = { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } };
    th.fake.failNext("*", storm, 7);
    const p = th.user(4501);
    // A call that meets three 429s in a row is handed back to the outbox, which tries again later.
    const deliverAll = async () => {
      for (let i = 0; i < 10 && th!.h.app.repos.outbox.unsentCount() > 0; i++) {
        th!.clock.advance(5_000);
        await th!.transport.idle();
      }
    };
    await p.say("/start");
    await deliverAll();
    await p.tap("product:bpjs-denda");
    await deliverAll();
    await p.say("099994301101");
    await deliverAll();
    await p.tap("pay:");
    await deliverAll();
    expect(th.fake.calls.filter((c) => c.status === 429).length).toBe(7);
    expect(th.h.app.repos.outbox.unsentCount()).toBe(0);
    expect(th.h.app.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE failed_at IS NOT NULL").get()).toEqual({ n: 0 });
    const texts = p.screen().join("\n");
    expect(texts).toMatch(/Halo[\s\S]*Ketik nomor peserta[\s\S]*Pembayaran berhasil/);
    expect(checkInvariants(th.h.app)).toEqual([]);
  });

  it("retries a 5xx a capped number of times", async () => {
    th = await startTelegramHarness();
    th.fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" }, 2);
    const p = th.user(4502);
    expect(await p.say("/start")).toContain("Loket");
    expect(th.fake.callsOf("sendMessage", 4502).map((c) => c.status)).toEqual([502, 502, "ok"]);
  });

  it("a long Telegram outage postpones notices without using up their attempts", async () => {
    th = await startTelegramHarness();
    const p = th.user(4504);
    th.fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" }, 30);
    await p.say("/start");
    const row = () =>
      th!.h.app.db.prepare("SELECT attempts, sent_at, failed_at FROM outbox WHERE address = '4504' ORDER BY id DESC LIMIT 1").get() as {
        attempts: number;
        sent_at: number | null;
        failed_at: number | null;
      };
    for (let i = 0; i < 20 && row().sent_at === null; i++) {
      expect(row().failed_at).toBeNull();
      th.clock.advance(15_000);
      await th.transport.idle();
    }
    expect(row()).toMatchObject({ attempts: 0, failed_at: null });
    expect(row().sent_at).not.toBeNull();
    expect(th.fake.callsOf("sendMessage", 4504).filter((c) => c.status === 502)).toHaveLength(30);
    expect(p.lastText()).toContain("Loket");
  });

  it("a 403 blocked marks the user blocked; my_chat_member keeps the flag current", async () => {
    th = await startTelegramHarness();
    const p = th.user(4503);
    await p.say("/start");
    const user = () => th!.h.app.repos.users.findByIdentity("telegram", "4503")!;
    expect(user().blocked).toBe(0);

    await th.handled(th.fake.setMember(p.user, "kicked"));
    expect(user().blocked).toBe(1);
    await th.handled(th.fake.setMember(p.user, "member"));
    expect(user().blocked).toBe(0);

    th.fake.block(4503);
    await p.say("/saldo");
    expect(user().blocked).toBe(1);
    const failed = th.h.app.db.prepare("SELECT last_error FROM outbox WHERE failed_at IS NOT NULL").all() as { last_error: string }[];
    expect(failed.map((r) => r.last_error)).toEqual(["Forbidden: bot was blocked by the user"]);
  });
});

describe("telegram: language", () => {
  it("/bahasa switches every later message; the Telegram language is the first guess", async () => {
    th = await startTelegramHarness();
    const en = th.user(4601, { language_code: "en-GB" });
    expect(await en.say("/start")).toMatch(/Hello/);

    const p = th.user(4602);
    expect(await p.say("/start")).toMatch(/Halo/);
    expect(await p.say("/bahasa en")).toMatch(/Language set to English[\s\S]*Main menu/);
    expect(await p.tap("product:bpjs-kesehatan")).toMatch(/Type the/i);
    expect(await p.say("/bahasa")).toMatch(/Choose a language/);
    expect(await p.tap("lang:id")).toMatch(/Bahasa diganti/);
    expect(await p.say("/saldo")).toMatch(/Saldo/);
  });
});

describe("telegram: webhook mode", () => {
  it("checks the secret, stores and answers 200 at once, handles afterwards, de-duplicates", async () => {
    th = await startTelegramHarness({
      env: { TELEGRAM_WEBHOOK_URL: "https://bot.example.test/tg/hook", TELEGRAM_WEBHOOK_SECRET: "s3cret_token" },
    });
    expect(th.transport.mode).toBe("webhook");
    expect(th.fake.webhook()).toEqual({ url: "https://bot.example.test/tg/hook", secret_token: "s3cret_token" });
    expect(th.fake.callsOf("getUpdates")).toHaveLength(0);
    const url = `http://127.0.0.1:${th.transport.webhookPort}/tg/hook`;
    const update = {
      update_id: 777001,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 4701, type: "private", first_name: "W" },
        from: { id: 4701, is_bot: false, first_name: "W" },
        text: "/start",
      },
    };
    const post = (headers: Record<string, string>, body: unknown = update) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

    expect((await post({})).status).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": "wrong" })).status).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": "s3cret_token" }, { nope: 1 })).status).toBe(400);
    const ok = await post({ "x-telegram-bot-api-secret-token": "s3cret_token" });
    expect(ok.status).toBe(200);
    expect((await post({ "x-telegram-bot-api-secret-token": "s3cret_token" })).status).toBe(200); // Telegram retried
    await th.handled(777001);
    expect(th.fake.botMessages(4701)).toHaveLength(1);
    expect(th.fake.botMessages(4701)[0]!.text).toContain("Loket");
  });

  it("a new update that reuses an old update_id after a quiet week (Telegram restarts numbering) is handled, not dropped", async () => {
    th = await startTelegramHarness({
      env: { TELEGRAM_WEBHOOK_URL: "https://bot.example.test/tg/hook", TELEGRAM_WEBHOOK_SECRET: "s3cret_token" },
    });
    const chat = { id: 4702, type: "private", first_name: "W" };
    const from = { id: 4702, is_bot: false, first_name: "W" };
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${th!.transport.webhookPort}/tg/hook`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "s3cret_token" },
        body: JSON.stringify(body),
      });
    expect((await post({ update_id: 500, message: { message_id: 1, date: 1, chat, from, text: "/start" } })).status).toBe(200);
    await th.handled(500);
    expect(th.fake.botMessages(4702)).toHaveLength(1);

    // Nothing more for most of a week; the bot restarts (and prunes) before the next update arrives.
    th.h.app.db.prepare("UPDATE telegram_updates SET processed_at = ?").run(th.clock.now() - 6.5 * 24 * 3_600_000);
    th.h.app.db.prepare("UPDATE inbound SET received_at = ?").run(th.clock.now() - 6.5 * 24 * 3_600_000);
    await th.restartTransport();
    th.h.app.pruneDedup();
    // After a week without updates Telegram draws the next update_id at random: here, an old one.
    expect((await post({ update_id: 500, message: { message_id: 2, date: 2, chat, from, text: "/saldo" } })).status).toBe(200);
    await th.transport.idle();
    expect(th.fake.botMessages(4702)).toHaveLength(2);
    expect(th.fake.botMessages(4702)[1]!.text).toContain("Saldo");
  });
});

describe("telegram: start-up", () => {
  it("keeps trying getMe while Telegram is unreachable, then starts", async () => {
    const { startFakeTelegram } = await import("../fakes/telegram-api.ts");
    const fake = await startFakeTelegram();
    // More failures than the capped retry absorbs: start-up must wait them out, not exit.
    fake.failNext("getMe", { error_code: 502, description: "Bad Gateway" }, 7);
    th = await startTelegramHarness({ fake, deps: { initRetryDelayMs: () => 0 } });
    expect(await th.user(4990).say("/saldo")).toContain("Saldo");
    expect(fake.callsOf("getMe").length).toBeGreaterThanOrEqual(8);
    await th.close();
    th = undefined;
    await fake.close();
  });

  it("N failed start-up attempts are N getMe requests and N warnings naming the API root, backing off 1 s, 2 s, 4 s …", async () => {
    const fake = await startFakeTelegram({ token: "4242:SECRETtokenXYZ" });
    fake.failNext("getMe", { error_code: 502, description: "Bad Gateway" }, 5);
    const lines: Record<string, unknown>[] = [];
    const log = createLogger("debug", { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const waits: number[] = [];
    th = await startTelegramHarness({ fake, deps: { log, initSleep: async (ms) => void waits.push(ms) } });

    const warnings = lines.filter((l) => l["level"] === 40 && String(l["msg"]).includes("Telegram cannot be reached"));
    expect(warnings.map((w) => w["attempt"])).toEqual([1, 2, 3, 4, 5]);
    expect(warnings.every((w) => w["apiRoot"] === fake.apiRoot)).toBe(true);
    // One HTTP request per attempt: the capped-retry transformer does not multiply them.
    expect(fake.callsOf("getMe")).toHaveLength(6);
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(JSON.stringify(lines)).not.toContain("SECRETtokenXYZ");
    expect(await th.user(4991).say("/saldo")).toContain("Saldo");
    await th.close();
    th = undefined;
    await fake.close();
  });

  it("the start-up back-off doubles from 1 s and stays at 60 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map(startupRetryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });
});
