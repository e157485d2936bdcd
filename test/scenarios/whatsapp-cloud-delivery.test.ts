import { afterEach, describe, expect, it } from "vitest";
import { createFloodControl } from "../../src/transports/telegram/flood-control.ts";
import { fakeClock, type FakeClock } from "../helpers/app-harness.ts";
import { startCloudHarness, TEMPLATE_ENV, type CloudHarness } from "../transports/whatsapp-cloud/harness.ts";

const WA = "6281234567890";
const JID = `${WA}@s.whatsapp.net`;
const HOUR = 3_600_000;

let current: CloudHarness | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

/** A harness whose pacing runs on the app's fake clock, so a pause Meta asks for passes when the test says. */
async function setup(opts: Parameters<typeof startCloudHarness>[0] = {}): Promise<CloudHarness> {
  const clock: FakeClock = opts.clock ?? fakeClock();
  current = await startCloudHarness({ ...opts, clock, deps: { flood: createFloodControl({ broadcastRatePerSecond: 20, now: clock.now }), ...opts.deps } });
  return current;
}

const outbox = (c: CloudHarness) =>
  c.h.app.db.prepare("SELECT id, attempts, sent_at, failed_at, last_error, next_attempt_at FROM outbox WHERE platform = 'whatsapp' ORDER BY id").all() as {
    id: number;
    attempts: number;
    sent_at: number | null;
    failed_at: number | null;
    last_error: string | null;
    next_attempt_at: number;
  }[];
const adminAlerts = (c: CloudHarness) => c.h.sent.filter((s) => s.platform === "telegram" && s.address === "9000").map((s) => s.message.text);

/** The clock moves on and the outbox looks again. */
async function later(c: CloudHarness, ms: number): Promise<void> {
  c.clock.advance(ms);
  await c.h.app.outbox.flush();
  await c.settle();
}

describe("WhatsApp Cloud: Meta's refusals as SendErrors", () => {
  it("waits 4^n seconds after the pair rate limit (131056), using no attempt, then sends", async () => {
    const c = await setup();
    const p = c.payer(WA);
    c.fake.failNext({ code: 131056, details: "(Business Account, Consumer Account) pair rate limit hit" }, 2);
    expect(await p.say("halo")).toBe("");
    expect(outbox(c)[0]).toMatchObject({ attempts: 0, sent_at: null, next_attempt_at: c.clock.now() + 1000 });
    await later(c, 1000);
    // Refused again: now 4 seconds.
    expect(outbox(c)[0]).toMatchObject({ attempts: 0, sent_at: null, next_attempt_at: c.clock.now() + 4000 });
    await later(c, 4000);
    expect(p.last().view).toContain("BPJS Kesehatan");
    expect(outbox(c)[0]!.sent_at).not.toBeNull();
  });

  it("pauses everything after the number's throughput limit (130429), then goes on", async () => {
    const c = await setup();
    const p = c.payer(WA);
    c.fake.failNext({ code: 130429, details: "Cloud API message throughput has been reached." });
    await p.say("halo");
    expect(outbox(c)[0]).toMatchObject({ attempts: 0, sent_at: null, last_error: "#130429 Cloud API message throughput has been reached." });
    expect(c.transport.flood.stats().botPauses).toBe(1);
    await later(c, 1000);
    expect(p.last().view).toContain("BPJS Kesehatan");
  });

  it("holds everything while the token is refused (190), telling the admins once an hour", async () => {
    const c = await setup();
    const p = c.payer(WA);
    c.fake.failNext({ code: 190, httpStatus: 401, details: "Error validating access token: Session has expired" }, 2);
    await p.say("halo");
    expect(outbox(c)[0]).toMatchObject({ attempts: 0, sent_at: null, next_attempt_at: c.clock.now() + 5 * 60_000 });
    await later(c, 5 * 60_000);
    expect(adminAlerts(c)).toEqual([expect.stringContaining("Session has expired")]);
    await later(c, 5 * 60_000);
    expect(p.last().view).toContain("BPJS Kesehatan");
  });

  it("postpones on an account restriction (131048) and tells the admins", async () => {
    const c = await setup();
    c.fake.failNext({ code: 131048, details: "Spam rate limit hit" });
    await c.payer(WA).say("halo");
    expect(outbox(c)[0]).toMatchObject({ attempts: 0, sent_at: null, next_attempt_at: c.clock.now() + 30 * 60_000 });
    expect(adminAlerts(c)).toEqual([expect.stringContaining("Spam rate limit hit")]);
  });

  it("gives up a message Meta will never deliver (131026) and goes on with the next", async () => {
    const c = await setup();
    const p = c.payer(WA);
    c.fake.failNext({ code: 131026, details: "Message undeliverable" });
    await p.say("halo");
    expect(outbox(c)[0]).toMatchObject({ failed_at: expect.any(Number), last_error: "#131026 Message undeliverable" });
    expect(await p.say("saldo")).toContain("Saldo");
  });

  it("treats a 5xx without a Graph body, and Meta's 'service unavailable', as out of reach: postponed, no attempt used", async () => {
    const c = await setup();
    const p = c.payer(WA);
    c.fake.failNext({ code: 0, httpStatus: 502, bodyless: true });
    c.fake.failNext({ code: 131016, httpStatus: 503, details: "Service unavailable" });
    await p.say("halo");
    expect(outbox(c)[0]).toMatchObject({ attempts: 0, sent_at: null, last_error: "Graph API answered 502" });
    await later(c, 15_000);
    expect(outbox(c)[0]).toMatchObject({ attempts: 0, sent_at: null, last_error: "#131016 Service unavailable" });
    await later(c, 15_000);
    expect(p.last().view).toContain("BPJS Kesehatan");
  });

  it("retries an unknown error (131000) with a counted attempt", async () => {
    const c = await setup();
    c.fake.failNext({ code: 131000, httpStatus: 500, details: "Something went wrong" });
    await c.payer(WA).say("halo");
    expect(outbox(c)[0]).toMatchObject({ attempts: 1, sent_at: null });
    await later(c, 1000);
    expect(outbox(c)[0]!.sent_at).not.toBeNull();
  });

  it("gives up an address the Cloud API cannot reach (a LID nobody linked to a number)", async () => {
    const c = await setup();
    await c.h.app.commits.run(() => c.h.app.ports.notifier.toAddress("whatsapp", "123456789012345@lid", null, { text: "halo" }));
    await c.settle();
    expect(outbox(c)[0]).toMatchObject({
      failed_at: expect.any(Number),
      last_error: expect.stringContaining("not an address the WhatsApp Cloud API can reach"),
    });
  });
});

describe("WhatsApp Cloud: a QR code", () => {
  it("uploads the PNG once and sends it by media id, with its buttons under it", async () => {
    const c = await setup();
    const p = c.payer(WA);
    await p.say("halo");
    const user = c.h.app.repos.users.findByIdentity("whatsapp", JID)!;
    const qr = { kind: "qr" as const, payload: "00020101021226610014COM.EXAMPLE.WWW0118936009140000000001" };
    await c.h.app.commits.run(() => {
      c.h.app.ports.notifier.toAddress("whatsapp", user.address, user.id, {
        text: "Pindai <b>QRIS</b> ini",
        image: qr,
        nonce: 1,
        choices: [[{ id: "menu", label: "Menu" }]],
      });
      c.h.app.ports.notifier.toAddress("whatsapp", user.address, user.id, { text: "Sekali lagi", image: qr });
    });
    await c.settle();
    const [withButtons, captioned] = p.messages().slice(-2);
    expect(withButtons!.body).toMatchObject({
      type: "interactive",
      interactive: { type: "button", header: { type: "image" }, body: { text: "Pindai *QRIS* ini" } },
    });
    expect(captioned!.body).toMatchObject({ type: "image", image: { caption: "Sekali lagi" } });
    expect(c.fake.mediaUploads()).toEqual([{ id: expect.any(String), bytes: expect.any(Number), type: "image/png" }]);
  });

  it("gives up a picture Meta refuses (131053)", async () => {
    const c = await setup();
    const p = c.payer(WA);
    await p.say("halo");
    const user = c.h.app.repos.users.findByIdentity("whatsapp", JID)!;
    c.fake.failNext({ code: 131053, details: "Media upload error" }, 1, "media");
    await c.h.app.commits.run(() => c.h.app.ports.notifier.toAddress("whatsapp", user.address, user.id, { text: "QR", image: { kind: "qr", payload: "x" } }));
    await c.settle();
    expect(outbox(c).at(-1)).toMatchObject({ failed_at: expect.any(Number), last_error: "#131053 Media upload error" });
  });
});

describe("WhatsApp Cloud: broadcasts", () => {
  async function broadcast(c: CloudHarness, text: string): Promise<Record<string, number>> {
    const admin = c.h.payer("9000");
    expect(await admin.say(`/broadcast whatsapp ${text}`)).toContain("Pratinjau");
    await admin.tap("admin:yes");
    await new Promise<void>((r) => setImmediate(r));
    await c.h.app.broadcastRunner.idle();
    await c.settle();
    const rows = c.h.app.db.prepare("SELECT state, COUNT(*) AS n FROM broadcast_recipients GROUP BY state").all() as { state: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  it("a free-form broadcast Meta refuses afterwards (a 131047 status) is counted failed, and the next goes as the template", async () => {
    const c = await setup({ env: TEMPLATE_ENV });
    const p = c.payer(WA);
    await p.say("halo");
    // Meta's view of the window differs from ours: it accepts the send, then reports it failed.
    c.fake.setLastInbound(WA, c.clock.now() - 30 * HOUR);
    c.clock.advance(HOUR);
    expect(await broadcast(c, "Iuran jatuh tempo tanggal 10")).toEqual({ failed: 1 });
    const free = p.messages().find((m) => m.type === "text" && m.view.includes("Iuran"))!;
    expect(c.h.app.repos.whatsappCloud.statusesOf(free.wamid)).toEqual([expect.objectContaining({ status: "failed", error_code: 131047 })]);
    const row = c.h.app.db.prepare("SELECT error FROM broadcast_recipients WHERE address = ?").get(JID) as { error: string };
    expect(row.error).toContain("131047");
    // The window is closed for us now: the next broadcast reaches them as the template.
    await broadcast(c, "Pengingat kedua");
    expect(p.messages().some((m) => m.type === "template" && m.view.startsWith("template:loket_broadcast/"))).toBe(true);
  });

  it("sends free-form inside the window and the broadcast template outside it", async () => {
    const c = await setup({ env: TEMPLATE_ENV });
    await c.payer("6281111111111").say("halo");
    c.clock.advance(25 * HOUR);
    await c.payer("6282222222222").say("halo");
    expect(await broadcast(c, "Iuran jatuh tempo tanggal 10")).toEqual({ sent: 2 });
    expect(c.fake.sent("6282222222222").at(-1)).toMatchObject({ type: "text", view: expect.stringContaining("Iuran jatuh tempo tanggal 10") });
    expect(c.fake.sent("6281111111111").at(-1)?.view).toMatch(/^template:loket_broadcast\/id: Iuran jatuh tempo tanggal 10 · _/);
  });

  it("fails a recipient outside the window when no broadcast template is set, and tells the admins", async () => {
    const c = await setup();
    await c.payer("6281111111111").say("halo");
    c.clock.advance(25 * HOUR);
    await c.payer("6282222222222").say("halo");
    expect(await broadcast(c, "Iuran")).toEqual({ sent: 1, failed: 1 });
    expect(adminAlerts(c).some((t) => t.includes("WHATSAPP_TEMPLATE_BROADCAST"))).toBe(true);
  });

  it("keeps to its pace: every broadcast send waits for the flood control's budget", async () => {
    // A tenth of a second stands for a second: the broadcast may take 2 messages in it.
    const flood = createFloodControl({ broadcastRatePerSecond: 2, windowMs: 100 });
    const allowed: number[] = [];
    const spied = {
      ...flood,
      async beforeBroadcast(chat: string | undefined, isMessage: boolean) {
        const answered = await flood.beforeBroadcast(chat, isMessage);
        allowed.push(performance.now());
        return answered;
      },
    };
    const c = await setup({ env: TEMPLATE_ENV, deps: { flood: spied } });
    for (let i = 0; i < 8; i++) await c.payer(`62811111111${10 + i}`).say("halo");
    const started = performance.now();
    expect(await broadcast(c, "Iuran")).toEqual({ sent: 8 });
    expect(allowed).toHaveLength(8);
    // Never more than 2 in any window of 100 ms (a little slack for the timer resolution).
    for (let i = 2; i < allowed.length; i++) expect(allowed[i]! - allowed[i - 2]!).toBeGreaterThanOrEqual(95);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(c.fake.throttled()).toBe(0);
  });
});
