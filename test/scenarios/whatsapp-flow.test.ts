import { afterEach, describe, expect, it } from "vitest";
import { startWhatsapp, type WhatsappTransport } from "../../src/transports/whatsapp/start-whatsapp.ts";
import { checkInvariants, setupApp, type Harness } from "../helpers/app-harness.ts";
import { fakeSocketFactory, manualScheduler, textMessage, type FakeWhatsappSocket } from "../fakes/whatsapp-socket.ts";
import type { WAMessage } from "../../src/transports/whatsapp/socket.ts";

const PN = "6281234567890@s.whatsapp.net";
const LID = "123456789012345@lid";

interface Setup {
  h: Harness;
  wa: WhatsappTransport;
  sock: FakeWhatsappSocket;
  factory: ReturnType<typeof fakeSocketFactory>;
  scheduler: ReturnType<typeof manualScheduler>;
  /** Delivers one message and returns what was sent back to that chat, once everything is quiet. */
  say(from: string, text: string, opts?: Parameters<typeof textMessage>[2]): Promise<string>;
  deliver(messages: WAMessage[], type?: "notify" | "append"): Promise<void>;
  balanceOf(jid: string): number;
}

let current: Setup | null = null;
afterEach(async () => {
  if (current) {
    await current.wa.stop();
    await current.h.close();
  }
  current = null;
});

async function setup(env: Record<string, string> = {}): Promise<Setup> {
  const h = await setupApp(env);
  const factory = fakeSocketFactory();
  const scheduler = manualScheduler();
  const wa = await startWhatsapp(h.app.ports, { makeSocket: factory.makeSocket, scheduler, random: () => 0.5, print: () => {} });
  const sock = factory.last();
  sock.connecting();
  sock.open();
  const deliver = async (messages: WAMessage[], type: "notify" | "append" = "notify") => {
    factory.last().deliver(messages, type);
    await wa.idle();
    await h.settle();
  };
  const s: Setup = {
    h,
    wa,
    sock,
    factory,
    scheduler,
    deliver,
    async say(from, text, opts) {
      const target = factory.last();
      const before = target.sent.length;
      await deliver([textMessage(from, text, opts)]);
      return target.sent
        .slice(before)
        .filter((m) => m.jid === from)
        .map((m) => m.text)
        .join("\n---\n");
    },
    balanceOf(jid) {
      const user = h.app.repos.users.findByIdentity("whatsapp", jid);
      if (!user) throw new Error(`no user ${jid}`);
      return (h.app.db.prepare("SELECT COALESCE(SUM(amount), 0) AS b FROM ledger WHERE user_id = ?").get(user.id) as { b: number }).b;
    },
  };
  current = s;
  return s;
}

describe("WhatsApp transport: full payments by typed numbers", () => {
  it("pays BPJS Kesehatan", async () => {
    const s = await setup();
    const menu = await s.say(PN, "halo");
    expect(menu).toContain("1. BPJS Kesehatan");
    expect(menu).toContain("3. BPJS Denda");
    expect(menu).toContain("_Balas dengan angka pilihan Anda._");
    expect(await s.say(PN, "1")).toContain("nomor peserta BPJS Kesehatan");
    expect(await s.say(PN, "8801234560000")).toContain("2. 2 bulan");
    const bill = await s.say(PN, "2");
    expect(bill).toContain("*Total: Rp");
    expect(bill).toMatch(/1\. Bayar Rp\d/);
    const receipt = await s.say(PN, "1");
    expect(receipt).toContain("Pembayaran berhasil");
    expect(receipt).toContain("BPJS Kesehatan");
    expect(s.h.app.repos.transactions.withStatus("paid")).toHaveLength(1);
    expect(checkInvariants(s.h.app)).toEqual([]);
  });

  it("pays BPJS Ketenagakerjaan BPU by NIK", async () => {
    const s = await setup();
    await s.say(PN, "menu");
    expect(await s.say(PN, "2")).toContain("NIK");
    await s.say(PN, "8102051011270000");
    const bill = await s.say(PN, "1");
    expect(bill).toContain("************0000");
    const receipt = await s.say(PN, "1");
    expect(receipt).toContain("Pembayaran berhasil");
    expect(receipt).toContain("BPJS Ketenagakerjaan BPU");
    expect(checkInvariants(s.h.app)).toEqual([]);
  });

  it("pays BPJS Denda (no months step), keeping the leading zero", async () => {
    const s = await setup();
    await s.say(PN, "menu");
    await s.say(PN, "3");
    const bill = await s.say(PN, "099994301101");
    expect(bill).toContain("099994301101");
    expect(bill).toContain("1. Bayar");
    const receipt = await s.say(PN, "1");
    expect(receipt).toContain("Pembayaran berhasil");
    expect(receipt).toContain("BPJS Denda");
    expect(s.h.app.repos.transactions.withStatus("paid")).toHaveLength(1);
    expect(checkInvariants(s.h.app)).toEqual([]);
  });

  it("shows typing while the engine works and replies to the chat the message came from", async () => {
    const s = await setup();
    await s.say(LID, "halo");
    expect(s.sock.presence).toEqual([
      { type: "composing", jid: LID },
      { type: "paused", jid: LID },
    ]);
    expect(s.sock.sent.every((m) => m.jid === LID)).toBe(true);
  });
});

describe("WhatsApp transport: what is ignored and what happens once", () => {
  it("handles a message delivered twice once", async () => {
    const s = await setup();
    await s.say(PN, "menu");
    await s.say(PN, "3");
    const msg = textMessage(PN, "099994301101", { id: "DUPLICATE1" });
    await s.deliver([msg]);
    await s.say(PN, "1"); // pay
    const sentBefore = s.sock.sent.length;
    await s.deliver([msg, msg]);
    await s.deliver([textMessage(PN, "1", { id: "DUPLICATE2" })]);
    await s.deliver([textMessage(PN, "1", { id: "DUPLICATE2" })]);
    // The redelivered number made no new inquiry (one transaction, paid once), and DUPLICATE2 was
    // answered once.
    expect(s.h.app.db.prepare("SELECT COUNT(*) AS n FROM transactions").get()).toEqual({ n: 1 });
    expect(s.h.app.repos.transactions.withStatus("paid")).toHaveLength(1);
    expect(s.h.app.simulator?.payCalls().every((c) => c.payCount <= 1)).toBe(true);
    expect(s.sock.sent.length - sentBefore).toBe(1);
    expect(checkInvariants(s.h.app)).toEqual([]);
  });

  it("ignores groups, fromMe, status, broadcast lists, channels and history appends", async () => {
    const s = await setup();
    await s.deliver([
      textMessage("120363025246125486@g.us", "menu", { participant: PN }),
      textMessage(PN, "menu", { fromMe: true }),
      textMessage("status@broadcast", "menu", { participant: PN }),
      textMessage("1699999999@broadcast", "menu"),
      textMessage("120363144038483540@newsletter", "menu"),
    ]);
    await s.deliver([textMessage(PN, "menu")], "append");
    expect(s.sock.sent).toEqual([]);
    expect(s.h.app.db.prepare("SELECT COUNT(*) AS n FROM users").get()).toEqual({ n: 0 });
  });
});

describe("WhatsApp transport: one person, one balance", () => {
  it("keeps one balance for a person seen by @lid and then by phone", async () => {
    const s = await setup();
    await s.say(LID, "menu");
    await s.say(LID, "3");
    await s.say(LID, "099994301101");
    await s.say(LID, "1");
    const afterPay = s.balanceOf(LID);
    expect(afterPay).toBeLessThan(1_000_000);
    // Later the same person writes from their phone JID; WhatsApp tells us the LID alongside.
    const saldo = await s.say(PN, "/saldo", { alt: LID });
    expect(saldo).toContain(afterPay.toLocaleString("id-ID"));
    expect(s.balanceOf(PN)).toBe(afterPay);
    expect(s.h.app.db.prepare("SELECT COUNT(*) AS n FROM users").get()).toEqual({ n: 1 });
  });

  // A regression test: a new user's aliases must all be recorded, or the LID chat later makes a second user.
  it("keeps one balance when the very first message already reveals both forms", async () => {
    const s = await setup();
    await s.say(PN, "menu", { alt: LID });
    await s.say(LID, "menu");
    expect(s.h.app.db.prepare("SELECT COUNT(*) AS n FROM users").get()).toEqual({ n: 1 });
  });

  it("links the forms through Baileys' LID mapping store when the message does not say", async () => {
    const s = await setup();
    await s.say(PN, "menu");
    // Baileys learnt the mapping (lid-mapping keys in the auth tables) from some other message.
    await s.sock.auth.keys.set({ "lid-mapping": { "6281234567890": "123456789012345", "123456789012345_reverse": "6281234567890" } });
    await s.say(LID, "menu");
    expect(s.h.app.db.prepare("SELECT COUNT(*) AS n FROM users").get()).toEqual({ n: 1 });
    expect(s.balanceOf(LID)).toBe(s.balanceOf(PN));
  });

  it("recognises an admin listed by phone who writes from a LID chat", async () => {
    const s = await setup({ ADMIN_WHATSAPP_NUMBERS: "6281234567890" });
    const answer = await s.say(LID, "/pending", { alt: PN });
    expect(answer).toBe(s.h.app.t("id", "admin.pending_none"));
    const stranger = await s.say("6289999999999@s.whatsapp.net", "/pending");
    expect(stranger).toBe(s.h.app.t("id", "errors.unknown_command"));
  });
});

describe("WhatsApp transport: sending through the outbox", () => {
  it("registers app.senders.whatsapp; while disconnected a send is postponed (no attempt used up) and sent on reconnect", async () => {
    const s = await setup();
    expect(s.h.app.outbox.senderOf("whatsapp")!).toBeDefined();
    await s.say(PN, "menu");
    s.sock.close(428);
    // The engine keeps working while WhatsApp is down (here: a message that reached it another way,
    // like a settlement notice would); the reply waits in the outbox.
    await s.h.app.engine.handle({ platform: "whatsapp", userId: PN, address: PN, messageId: "other-path", text: "3" });
    await s.h.settle();
    const row = s.h.app.db.prepare("SELECT attempts, last_error, sent_at FROM outbox ORDER BY id DESC LIMIT 1").get() as {
      attempts: number;
      last_error: string;
      sent_at: number | null;
    };
    expect(row).toMatchObject({ attempts: 0, last_error: "WhatsApp is not connected", sent_at: null });
    await expect(s.h.app.outbox.senderOf("whatsapp")!.send(PN, { text: "x" }, null)).rejects.toThrow("WhatsApp is not connected");

    s.scheduler.runAll();
    const next = s.factory.last();
    expect(next).not.toBe(s.sock);
    next.open();
    await s.h.settle();
    expect(next.sent.map((m) => m.text).join("\n")).toContain("BPJS Denda");
    expect((s.h.app.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL").get() as { n: number }).n).toBe(0);
  });

  it("a socket error during a send is a normal error (retried), not a permanent one", async () => {
    const s = await setup();
    s.sock.failSends = true;
    const err = await s.h.app.outbox
      .senderOf("whatsapp")!
      .send(PN, { text: "x" }, null)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).not.toBe("PermanentSendError");
  });

  it("writes the footer in the recipient's language", async () => {
    const s = await setup();
    await s.say(PN, "/bahasa en");
    const menu = await s.say(PN, "menu");
    expect(menu).toContain("_Reply with the number of your choice._");
  });
});
