import { createWhatsappAuthRepo } from "../../../src/db/whatsapp-auth-repo.ts";
import { afterEach, describe, expect, it } from "vitest";

import { openDatabase } from "../../../src/db/open.ts";
import { createAuthStore } from "../../../src/transports/whatsapp/auth-state.ts";
import { createWhatsappBroadcastChannel, isRateOverlimit } from "../../../src/transports/whatsapp/broadcast-channel.ts";
import { startWhatsapp, type WhatsappTransport } from "../../../src/transports/whatsapp/start-whatsapp.ts";
import { setupApp, type Harness } from "../../helpers/app-harness.ts";
import { FakeWhatsappSocket, fakeSocketFactory, manualScheduler, textMessage } from "../../fakes/whatsapp-socket.ts";

const PN = "6281234567890@s.whatsapp.net";
const authState = () => createAuthStore(createWhatsappAuthRepo(openDatabase(":memory:"))).load().state;

function channelOver(sock: FakeWhatsappSocket | null, pauses: number[] = []) {
  return createWhatsappBroadcastChannel({
    socket: () => sock,
    minDelayMs: 3_000,
    maxDelayMs: 6_000,
    dailyCap: 1_000,
    random: () => 0.5,
    sleep: async (ms) => void pauses.push(ms),
  });
}

function boomLike(message: string, data: number): Error {
  return Object.assign(new Error(message), { data, isBoom: true });
}

describe("WhatsApp broadcast channel", () => {
  it("sends the announcement as WhatsApp text, one at a time with a jittered pause", async () => {
    const sock = new FakeWhatsappSocket(authState());
    const pauses: number[] = [];
    const channel = channelOver(sock, pauses);
    expect(channel.inFlight).toBe(1);
    await channel.send(PN, "<b>Iuran</b> jatuh tempo &amp; segera\n\n<i>/berhenti</i>");
    await channel.send(PN, "two");
    expect(sock.sent.map((m) => m.text)).toEqual(["*Iuran* jatuh tempo & segera\n\n_/berhenti_", "two"]);
    expect(pauses).toEqual([4_500]);
  });

  it("while disconnected: nothing sent, try later", async () => {
    await expect(channelOver(null).send(PN, "x")).rejects.toMatchObject({ kind: "retry_after" });
  });

  it("pauses the broadcast on rate-overlimit", async () => {
    const sock = new FakeWhatsappSocket(authState());
    sock.sendMessage = async () => {
      throw boomLike("rate-overlimit", 429);
    };
    await expect(channelOver(sock).send(PN, "x")).rejects.toMatchObject({ kind: "account_limited" });
    expect(isRateOverlimit(boomLike("item-not-found", 404))).toBe(false);
    expect(isRateOverlimit(boomLike("whatever", 429))).toBe(true);
  });

  it("refuses addresses that are not a private chat (a failed recipient, not a retry)", async () => {
    const err = await channelOver(new FakeWhatsappSocket(authState()))
      .send("120363025246125486@g.us", "x")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toMatchObject({ kind: "retry_after" });
  });
});

describe("a /broadcast from a WhatsApp admin", () => {
  let h: Harness | null = null;
  let wa: WhatsappTransport | null = null;
  afterEach(async () => {
    await wa?.stop();
    await h?.close();
    h = null;
    wa = null;
  });

  it("reaches WhatsApp payers through the registered channel", async () => {
    h = await setupApp({ ADMIN_WHATSAPP_NUMBERS: "6281234567890" });
    const factory = fakeSocketFactory();
    const pauses: number[] = [];
    wa = await startWhatsapp(h.app.ports, {
      makeSocket: factory.makeSocket,
      scheduler: manualScheduler(),
      print: () => {},
      random: () => 0.5,
      broadcastSleep: async (ms) => void pauses.push(ms),
    });
    expect(h.app.broadcastRunner.channelOf("whatsapp")).toBeDefined();
    const sock = factory.last();
    sock.open();
    const say = async (from: string, text: string) => {
      sock.deliver([textMessage(from, text)]);
      await wa!.idle();
      await h!.settle();
    };
    await say("6289999999991@s.whatsapp.net", "halo");
    await say("6289999999992@s.whatsapp.net", "halo");
    await say(PN, "/broadcast whatsapp Iuran jatuh tempo tanggal 10");
    expect(sock.sent.at(-1)?.text).toContain("1. ");
    await say(PN, "1"); // the confirm choice of the preview
    await new Promise<void>((r) => setImmediate(r));
    await h.app.broadcastRunner.idle();
    await h.settle();
    const got = sock.sent.filter((m) => m.text.includes("Iuran jatuh tempo tanggal 10") && m.jid !== PN).map((m) => m.jid);
    expect(got.sort()).toEqual(["6289999999991@s.whatsapp.net", "6289999999992@s.whatsapp.net"]);
    expect(pauses.length).toBeGreaterThan(0);
  });
});
