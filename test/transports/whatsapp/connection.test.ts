import { createWhatsappAuthRepo } from "../../../src/db/whatsapp-auth-repo.ts";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../src/db/open.ts";
import { createTranslator } from "../../../src/i18n.ts";
import { createAuthStore, deserialize, type AuthStore } from "../../../src/transports/whatsapp/auth-state.ts";
import { closeStatusCode, createWhatsappConnection, type WhatsappConnectionDeps } from "../../../src/transports/whatsapp/connection.ts";
import { createLoginPrompt, type LoginPrompt } from "../../../src/transports/whatsapp/login-prompt.ts";
import { closeError, fakeSocketFactory, manualScheduler } from "../../fakes/whatsapp-socket.ts";

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

let db: Db;
let auth: AuthStore;
let lines: LogLine[];
let prompts: string[];
let factory: ReturnType<typeof fakeSocketFactory>;
let scheduler: ReturnType<typeof manualScheduler>;
let opened: number;

const prompt: LoginPrompt = {
  qr: (qr) => prompts.push(`qr:${qr}`),
  pairingCode: (number, code) => prompts.push(`code:${number}:${code}`),
  connected: (id) => prompts.push(`connected:${id}`),
  loggedOut: () => prompts.push("logged-out"),
};

beforeEach(() => {
  db = openDatabase(":memory:");
  auth = createAuthStore(createWhatsappAuthRepo(db));
  lines = [];
  prompts = [];
  opened = 0;
  factory = fakeSocketFactory();
  scheduler = manualScheduler();
});
afterEach(() => db.close());

function connection(extra: Partial<WhatsappConnectionDeps> = {}) {
  const log = pino({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return createWhatsappConnection({
    auth,
    makeSocket: factory.makeSocket,
    log,
    prompt,
    scheduler,
    random: () => 0.5,
    onOpen: () => opened++,
    ...extra,
  });
}

const warnings = () => lines.filter((l) => l.level === 40);
const savedCreds = () => deserialize((db.prepare("SELECT creds FROM whatsapp_auth_creds").get() as { creds: string }).creds) as Record<string, unknown>;

describe("WhatsApp connection lifecycle", () => {
  it("shows the QR, opens, and offers the open socket for sending", () => {
    const c = connection();
    c.start();
    const sock = factory.last();
    sock.connecting();
    expect(c.openSocket()).toBeNull();
    sock.qr("2@ref");
    expect(prompts).toEqual(["qr:2@ref"]);
    sock.open();
    expect(c.status()).toBe("open");
    expect(c.openSocket()).toBe(sock);
    expect(opened).toBe(1);
    expect(prompts).toContain("connected:6280000000001:7@s.whatsapp.net");
  });

  it("saves creds whenever Baileys updates them", () => {
    const c = connection();
    c.start();
    factory.last().credsUpdate({ me: { id: "6280000000001:7@s.whatsapp.net", name: "Loket" }, registered: true });
    expect(savedCreds()).toMatchObject({ me: { id: "6280000000001:7@s.whatsapp.net" }, registered: true });
    void c.stop();
  });

  it("reconnects with backoff after a close, logging a warning that names WhatsApp", () => {
    const c = connection();
    c.start();
    factory.last().open();
    factory.last().close(428);
    expect(c.status()).toBe("waiting");
    expect(c.openSocket()).toBeNull();
    expect(scheduler.delays).toEqual([1_000]);
    expect(warnings().at(-1)).toMatchObject({ msg: "WhatsApp connection closed; reconnecting", reason: "connectionClosed", attempt: 1, delayMs: 1_000 });
    scheduler.runAll();
    expect(factory.sockets).toHaveLength(2);
    factory.last().close(408);
    scheduler.runAll();
    factory.last().close(408);
    expect(scheduler.delays).toEqual([1_000, 2_000, 4_000]);
    scheduler.runAll();
    factory.last().open();
    factory.last().close(503);
    // Reset on open.
    expect(scheduler.delays.at(-1)).toBe(1_000);
  });

  it("reconnects at once on restartRequired (after pairing)", () => {
    const c = connection();
    c.start();
    factory.last().close(515);
    expect(scheduler.delays).toEqual([0]);
    scheduler.runAll();
    expect(factory.sockets).toHaveLength(2);
  });

  it("backs off harder when the session keeps being replaced", () => {
    const c = connection();
    c.start();
    for (let i = 0; i < 3; i++) {
      factory.last().open();
      factory.last().close(440);
      scheduler.runAll();
    }
    expect(scheduler.delays).toEqual([1_000, 5 * 60_000, 10 * 60_000]);
  });

  it("on loggedOut clears the session and pairs again from a fresh QR", async () => {
    const c = connection();
    c.start();
    const sock = factory.last();
    sock.credsUpdate({ me: { id: "6280000000001:7@s.whatsapp.net" }, registered: true });
    await sock.auth.keys.set({ session: { "6281234567890.0": Buffer.from("s") } });
    sock.open();
    sock.close(401);
    expect(prompts).toContain("logged-out");
    expect(warnings().at(-1)).toMatchObject({ reason: "loggedOut", msg: "WhatsApp logged out; clearing the session and pairing again" });
    expect((db.prepare("SELECT COUNT(*) AS n FROM whatsapp_auth_keys").get() as { n: number }).n).toBe(0);
    expect(scheduler.delays).toEqual([0]);
    scheduler.runAll();
    const fresh = factory.last();
    expect(fresh).not.toBe(sock);
    expect(fresh.auth.creds.registered).toBe(false);
    expect(fresh.auth.creds.me).toBeUndefined();
    expect(Buffer.compare(Buffer.from(fresh.auth.creds.noiseKey.public), Buffer.from(sock.auth.creds.noiseKey.public))).not.toBe(0);
    fresh.qr("2@new");
    expect(prompts.at(-1)).toBe("qr:2@new");
  });

  it("never runs two sockets: the old one is ended and its late events are ignored", () => {
    const c = connection();
    c.start();
    c.start(); // already running: no second socket
    expect(factory.sockets).toHaveLength(1);
    const first = factory.last();
    first.close(428);
    scheduler.runAll();
    const second = factory.last();
    // The first socket closing again (Baileys emits close from end() too) changes nothing.
    first.ev.emit("connection.update", { connection: "close", lastDisconnect: { error: closeError(428), date: new Date() } });
    first.ev.emit("connection.update", { connection: "open" });
    expect(scheduler.pendingCount()).toBe(0);
    expect(c.openSocket()).toBeNull();
    second.open();
    expect(c.openSocket()).toBe(second);
    expect(first.ev.count("connection.update")).toBe(0);
    expect(first.ev.count("messages.upsert")).toBe(0);
  });

  it("ends a standing socket before it makes the next one", async () => {
    const endedBeforeNext: boolean[] = [];
    const c = connection({
      makeSocket: (a, l) => {
        endedBeforeNext.push(factory.sockets.every((s) => s.ended));
        return factory.makeSocket(a, l);
      },
    });
    c.start();
    const first = factory.last();
    first.open();
    // Baileys' end is async: make this one take a while.
    let finishEnd: () => void = () => {};
    const end = first.end.bind(first);
    first.end = (e) => new Promise<void>((resolve) => (finishEnd = () => resolve(end(e))));
    c.restart();
    c.restart(); // a second request while the first is still ending: still one new socket
    await new Promise<void>((r) => setImmediate(r));
    expect(factory.sockets).toHaveLength(1);
    finishEnd();
    await new Promise<void>((r) => setImmediate(r));
    expect(factory.sockets).toHaveLength(2);
    expect(endedBeforeNext).toEqual([true, true]); // the first call is the first socket: vacuously true
    expect(first.ended).toBe(true);
    // The old socket's own close (emitted by end) did not schedule anything.
    expect(scheduler.pendingCount()).toBe(0);
    expect(c.status()).toBe("connecting");
  });

  it("stop ends the socket and cancels a pending reconnect", async () => {
    const c = connection();
    c.start();
    factory.last().close(428);
    expect(scheduler.pendingCount()).toBe(1);
    await c.stop();
    expect(scheduler.pendingCount()).toBe(0);
    scheduler.runAll();
    expect(factory.sockets).toHaveLength(1);

    const c2 = connection();
    c2.start();
    const sock = factory.last();
    sock.open();
    await c2.stop();
    expect(sock.ended).toBe(true);
    expect(c2.status()).toBe("stopped");
    expect(scheduler.pendingCount()).toBe(0);
  });

  it("retries when the socket cannot even be created", () => {
    let calls = 0;
    const c = connection({
      makeSocket: (a, l) => {
        if (++calls === 1) throw new Error("boom");
        return factory.makeSocket(a, l);
      },
    });
    c.start();
    expect(scheduler.delays).toEqual([1_000]);
    scheduler.runAll();
    expect(factory.sockets).toHaveLength(1);
  });

  it("reads the status code of a Boom close error", () => {
    expect(closeStatusCode(closeError(440))).toBe(440);
    expect(closeStatusCode(new Error("plain"))).toBeUndefined();
    expect(closeStatusCode(undefined)).toBeUndefined();
  });
});

describe("pairing code", () => {
  it("asks for a code when WhatsApp is ready for a login (the first QR), once per socket, and shows no QR", async () => {
    const c = connection({ pairingNumber: "6281234567890" });
    c.start();
    const sock = factory.last();
    sock.connecting();
    expect(sock.pairingRequests).toEqual([]);
    sock.qr("2@a");
    sock.qr("2@b");
    await Promise.resolve();
    await Promise.resolve();
    expect(sock.pairingRequests).toEqual(["6281234567890"]);
    expect(prompts).toEqual(["code:6281234567890:ABCD1234"]);
  });

  it("falls back to the QR, and forgets the half-set identity, when the request fails", async () => {
    const c = connection({ pairingNumber: "6281234567890" });
    c.start();
    const sock = factory.last();
    sock.pairingResult = closeError(428, "Connection Closed");
    // What Baileys does before sending the request.
    sock.credsUpdate({ me: { id: "6281234567890@s.whatsapp.net", name: "~" }, pairingCode: "XXXX" });
    sock.qr("2@a");
    await new Promise<void>((r) => setImmediate(r));
    expect(prompts).toEqual(["qr:2@a"]);
    expect(sock.auth.creds.me).toBeUndefined();
    expect(savedCreds().me).toBeUndefined();
  });

  it("drops an unfinished pairing before the next socket, but never a linked device's identity", () => {
    const c = connection({ pairingNumber: "6281234567890" });
    c.start();
    factory.last().credsUpdate({ me: { id: "6281234567890@s.whatsapp.net", name: "~" }, pairingCode: "ABCD1234" });
    factory.last().close(408);
    scheduler.runAll();
    expect(factory.last().auth.creds.me).toBeUndefined();
    expect(savedCreds().me).toBeUndefined();

    const linked = { id: "6281234567890:5@s.whatsapp.net", name: "Loket" };
    factory.last().credsUpdate({ me: linked, account: { details: new Uint8Array([1]) } });
    factory.last().close(428);
    scheduler.runAll();
    expect(factory.last().auth.creds.me).toEqual(linked);
  });

  it("does not pair again once registered", () => {
    const c = connection({ pairingNumber: "6281234567890" });
    c.start();
    const sock = factory.last();
    sock.credsUpdate({ registered: true });
    sock.qr("2@a");
    expect(sock.pairingRequests).toEqual([]);
  });
});

describe("login prompt", () => {
  it("renders the QR as terminal art and the pairing code grouped", () => {
    const printed: string[] = [];
    const p = createLoginPrompt({ print: (t) => printed.push(t), t: createTranslator(), locale: "id" });
    p.qr("2@hello");
    expect(printed[0]).toContain("pindai kode QR");
    expect(printed[0]).toContain("▄");
    p.pairingCode("6281234567890", "ABCD1234");
    expect(printed[1]).toContain("ABCD-1234");
    expect(printed[1]).toContain("6281234567890");
  });
});
