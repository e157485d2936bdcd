import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { inTransaction } from "../../src/db/open.ts";
import type { BroadcastChannel } from "../../src/admin/broadcast/channel.ts";
import { SendError } from "../../src/domain/delivery/send-error.ts";
import { createPacedChannel } from "../../src/admin/broadcast/paced-channel.ts";
import { fakeClock, type Harness } from "../helpers/app-harness.ts";

/** Many users straight into the database, the way months of use would leave them. */
function seedUsers(h: Harness, n: number, platform: "telegram" | "whatsapp" = "telegram", from = 100_000): void {
  inTransaction(h.app.db, () => {
    for (let i = 0; i < n; i++) {
      const id = String(from + i);
      const address = platform === "whatsapp" ? `62812${id}@s.whatsapp.net` : id;
      h.app.repos.users.create({ platform, externalId: address, address, locale: i % 2 ? "en" : "id", now: 0 });
    }
  });
}

function recordingChannel(opts: { inFlight?: number; blocked?: Set<string>; fail?: Set<string> } = {}) {
  const sent: string[] = [];
  const channel: BroadcastChannel = {
    inFlight: opts.inFlight ?? 4,
    async send(address, html) {
      if (opts.blocked?.has(address)) throw SendError.blocked("Forbidden: bot was blocked by the user");
      if (opts.fail?.has(address)) throw new Error("Bad Request: chat not found");
      expect(html).toContain("/berhenti");
      sent.push(address);
    },
  };
  return { channel, sent };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

async function broadcast(h: Harness, text: string): Promise<number> {
  const admin = h.payer("9000");
  const preview = await admin.say(`/broadcast ${text}`);
  expect(preview).toContain("Pratinjau");
  await admin.tap("admin:yes");
  await tick();
  await h.app.broadcastRunner.idle();
  await h.settle();
  return (h.app.db.prepare("SELECT MAX(id) AS id FROM broadcasts").get() as { id: number }).id;
}

describe("broadcast", () => {
  it("delivers to everyone once, marks blocked users, skips opted-out ones, reports progress", async ({ bot }) => {
    const h = await bot();
    seedUsers(h, 2000);
    await h.payer("100005").say("/berhenti");
    const blocked = new Set(["100007", "100008"]);
    const { channel, sent } = recordingChannel({ blocked, fail: new Set(["100009"]) });
    h.app.broadcastRunner.register("telegram", channel);
    const id = await broadcast(h, "Iuran jatuh tempo tanggal 10 <b>ya</b> & jangan lupa");
    const counts = Object.fromEntries(
      (
        h.app.db.prepare("SELECT state, COUNT(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY state").all(id) as {
          state: string;
          n: number;
        }[]
      ).map((r) => [r.state, r.n]),
    );
    // 2000 seeded + the admin + the opted-out payer (also seeded) → 2001 users.
    expect(counts).toEqual({ sent: 2001 - 1 - 2 - 1, skipped: 1, blocked: 2, failed: 1 });
    expect(new Set(sent).size).toBe(sent.length);
    expect(h.app.repos.users.findByIdentity("telegram", "100007")!.blocked).toBe(1);
    const progress = h.sent.filter((s) => s.address === "9000" && s.message.tag === `broadcast:${id}`);
    expect(progress.at(-1)!.message.text).toContain("selesai");
    expect(h.app.db.prepare("SELECT status FROM broadcasts WHERE id = ?").get(id)).toEqual({ status: "done" });
  });

  it("escapes the admin's text: markup arrives as text", async ({ bot }) => {
    const h = await bot();
    seedUsers(h, 3);
    const html: string[] = [];
    h.app.broadcastRunner.register("telegram", { inFlight: 2, send: async (_a, m) => void html.push(m) });
    await broadcast(h, "<script>x</script> & <b>");
    expect(html[0]).toContain("&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;");
  });

  it("keeps the admin's line breaks", async ({ bot }) => {
    const h = await bot();
    seedUsers(h, 1);
    const html: string[] = [];
    h.app.broadcastRunner.register("telegram", { inFlight: 1, send: async (_a, m) => void html.push(m) });
    await broadcast(h, "Baris satu\nBaris dua");
    expect(html[0]).toMatch(/^Baris satu\nBaris dua/);
  });

  it("rides out 'retry later' without losing or repeating anyone", async ({ bot }) => {
    const h = await bot();
    seedUsers(h, 300);
    let calls = 0;
    const sent: string[] = [];
    h.app.broadcastRunner.register("telegram", {
      inFlight: 4,
      async send(address) {
        if (++calls % 50 === 0) throw SendError.retryAfter("Too Many Requests: retry after 1", 1);
        sent.push(address);
      },
    });
    await broadcast(h, "halo");
    expect(sent).toHaveLength(301);
    expect(new Set(sent).size).toBe(301);
  });

  it("a broadcast killed half-way and restarted reaches everyone else exactly once, losing at most the sends in flight", async ({ bot }) => {
    const dir = mkdtempSync(join(tmpdir(), "loket-bc-"));
    const files = { databasePath: join(dir, "loket.db"), simulatorDbPath: join(dir, "sim.db"), clock: fakeClock() };
    const h1 = await bot({}, files);
    seedUsers(h1, 1000);
    const first: string[] = [];
    let n = 0;
    let unblock: () => void = () => undefined;
    const hung = new Promise<void>((r) => (unblock = r));
    h1.app.broadcastRunner.register("telegram", {
      inFlight: 4,
      send: (address) => {
        // The 400th send never returns: the process dies with its page of sends in flight.
        if (++n >= 400) return hung;
        first.push(address);
        return Promise.resolve();
      },
    });
    const admin = h1.payer("9000");
    await admin.say("/broadcast halo semua");
    await admin.tap("admin:yes");
    await tick();
    for (let i = 0; i < 5000 && n < 400; i++) await tick();
    expect(n).toBe(400);
    const h2 = await bot({}, files);
    const second: string[] = [];
    h2.app.broadcastRunner.register("telegram", { inFlight: 4, send: async (a) => void second.push(a) });
    h2.app.broadcastRunner.start();
    await h2.app.broadcastRunner.idle();
    await h2.app.broadcastRunner.stop();
    unblock(); // let the dead process's promises settle so the test can close it
    const all = [...first, ...second];
    expect(new Set(all).size).toBe(all.length); // nobody twice
    const lost = (h2.app.db.prepare("SELECT user_id FROM broadcast_recipients WHERE state = 'failed'").all() as { user_id: number }[]).length;
    expect(lost).toBeLessThanOrEqual(4); // at most the sends that were in flight
    const sentRows = h2.app.db.prepare("SELECT COUNT(*) AS n FROM broadcast_recipients WHERE state = 'sent'").get() as { n: number };
    expect(sentRows.n + lost).toBe(1001); // everyone else was reached
    expect(second).toHaveLength(1001 - lost - (first.length - (4 - 1)));
  });

  it("pause, resume and cancel", async ({ bot }) => {
    const h = await bot();
    seedUsers(h, 50);
    const admin = h.payer("9000");
    let release: () => void = () => undefined;
    const sent: string[] = [];
    h.app.broadcastRunner.register("telegram", {
      inFlight: 1,
      send: (a) =>
        new Promise<void>((r) => {
          sent.push(a);
          release = r;
        }),
    });
    await admin.say("/broadcast halo");
    await admin.tap("admin:yes");
    await tick();
    expect(await admin.say("/broadcast_pause")).toContain("dijeda");
    release();
    await h.app.broadcastRunner.idle();
    expect(sent.length).toBeLessThanOrEqual(2);
    h.app.broadcastRunner.register("telegram", { inFlight: 4, send: async (a) => void sent.push(a) });
    expect(await admin.say("/broadcast_resume")).toContain("sedang dikirim");
    await tick();
    await h.app.broadcastRunner.idle();
    expect(await admin.say("/broadcast_status")).toContain("selesai");
    expect(new Set(sent).size).toBe(51);
    expect(await admin.say("/broadcast_cancel")).toContain("tidak berlaku");
  });

  it("cancel stops delivery", async ({ bot }) => {
    const h = await bot();
    seedUsers(h, 100);
    const admin = h.payer("9000");
    const sent: string[] = [];
    let gate: () => void = () => undefined;
    h.app.broadcastRunner.register("telegram", { inFlight: 1, send: (a) => new Promise<void>((r) => ((gate = r), sent.push(a))) });
    await admin.say("/broadcast halo");
    await admin.tap("admin:yes");
    await tick();
    expect(await admin.say("/broadcast_cancel")).toContain("dibatalkan");
    gate();
    await h.app.broadcastRunner.idle();
    expect(sent.length).toBe(1);
  });

  it("WhatsApp: paced with jitter, capped per day, paused on rate-overlimit", async ({ bot }) => {
    const h = await bot();
    seedUsers(h, 10, "whatsapp");
    const delays: number[] = [];
    let sends = 0;
    h.app.broadcastRunner.register(
      "whatsapp",
      createPacedChannel({
        minDelayMs: 3000,
        maxDelayMs: 6000,
        dailyCap: 5,
        random: () => 0.5,
        sleep: async (ms) => void delays.push(ms),
        send: async () => {
          sends++;
        },
      }),
    );
    await broadcast(h, "halo");
    expect(sends).toBe(5); // the daily cap
    expect(delays.every((d) => d >= 3000 && d <= 6000)).toBe(true);
    const b = h.app.db.prepare("SELECT status FROM broadcasts").get() as { status: string };
    expect(b.status).toBe("running"); // waits for tomorrow
    h.clock.advance(24 * 3600_000);
    h.app.broadcastRunner.register("whatsapp", {
      inFlight: 1,
      send: async () => {
        throw SendError.accountLimited("rate-overlimit");
      },
    });
    h.app.broadcastRunner.kick();
    await h.app.broadcastRunner.idle();
    expect(h.app.db.prepare("SELECT status, pause_reason FROM broadcasts").get()).toEqual({ status: "paused", pause_reason: "rate-overlimit" });
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM broadcast_recipients WHERE platform = 'whatsapp' AND state = 'pending'").get()).toEqual({ n: 5 });
  });

  it("non-admins cannot broadcast", async ({ bot }) => {
    const h = await bot();
    expect(await h.payer("8888").say("/broadcast hi")).toContain("Perintah tidak dikenal");
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM broadcasts").get()).toEqual({ n: 0 });
  });
});
