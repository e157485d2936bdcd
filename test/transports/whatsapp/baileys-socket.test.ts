import { createWhatsappAuthRepo } from "../../../src/db/whatsapp-auth-repo.ts";
import { createServer, type Server, type Socket } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AuthenticationState } from "../../../src/transports/whatsapp/socket.ts";
import type { MakeSocket, SocketEvents, WhatsappSocket } from "../../../src/transports/whatsapp/socket.ts";
import { createAuthStore, deserialize, serialize } from "../../../src/transports/whatsapp/auth-state.ts";
import { baileysSocketFactory } from "../../../src/transports/whatsapp/baileys-socket.ts";
import { closeStatusCode } from "../../../src/transports/whatsapp/connection.ts";
import { startWhatsapp, type WhatsappTransport } from "../../../src/transports/whatsapp/start-whatsapp.ts";
import { setupApp, type Harness } from "../../helpers/app-harness.ts";

/**
 * Baileys' real makeWASocket over the SQLite auth state. There is no WhatsApp here, so the socket
 * is pointed at a loopback TCP server that accepts and never answers the websocket upgrade: the
 * socket sits in `connecting` until the test drops the connection. connectTimeoutMs caps every
 * wait, and teardown ends the socket, so nothing can hang.
 */
interface Silent {
  server: Server;
  url: string;
  connections: Socket[];
  nextConnection(): Promise<Socket>;
}

async function silentServer(): Promise<Silent> {
  const connections: Socket[] = [];
  const waiting: ((s: Socket) => void)[] = [];
  const server = createServer((socket) => {
    connections.push(socket);
    socket.on("error", () => {});
    waiting.shift()?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    server,
    url: `ws://127.0.0.1:${address.port}/ws/chat`,
    connections,
    nextConnection: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

/** A scheduler that records the reconnect instead of running it, and says when one was asked for. */
function recordingScheduler() {
  const delays: number[] = [];
  let notify: (() => void) | null = null;
  return {
    delays,
    setTimeout(_fn: () => void, ms: number): unknown {
      delays.push(ms);
      notify?.();
      return delays.length;
    },
    clearTimeout() {},
    scheduled: () => new Promise<void>((resolve) => (delays.length > 0 ? resolve() : (notify = resolve))),
  };
}

/** Wraps the real factory to keep hold of each socket, its auth state and its connection states. */
function capturing(inner: MakeSocket) {
  const made: { sock: WhatsappSocket; auth: AuthenticationState; states: string[]; codes: (number | undefined)[] }[] = [];
  let onState: ((s: string) => void) | null = null;
  const makeSocket: MakeSocket = (auth, logger) => {
    const sock = inner(auth, logger);
    const entry = { sock, auth, states: [] as string[], codes: [] as (number | undefined)[] };
    sock.ev.on("connection.update", (u: SocketEvents["connection.update"]) => {
      if (u.connection === "close") entry.codes.push(closeStatusCode(u.lastDisconnect?.error));
      if (u.connection) {
        entry.states.push(u.connection);
        onState?.(u.connection);
      }
    });
    made.push(entry);
    return sock;
  };
  const reached = (state: string) =>
    new Promise<void>((resolve) => {
      if (made.at(-1)?.states.includes(state)) return resolve();
      onState = (s) => s === state && resolve();
    });
  return { makeSocket, made, reached };
}

let dir: string | null = null;
let silent: Silent | null = null;
const running: { h: Harness; wa: WhatsappTransport }[] = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.wa.stop();
    await r.h.close();
  }
  if (silent) {
    for (const c of silent.connections) c.destroy();
    await new Promise<void>((resolve) => silent!.server.close(() => resolve()));
  }
  silent = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

async function start(databasePath: string, url: string) {
  const h = await setupApp({}, { databasePath });
  const cap = capturing(baileysSocketFactory({ waWebSocketUrl: url, connectTimeoutMs: 3_000 }));
  const scheduler = recordingScheduler();
  const wa = await startWhatsapp(h.app.ports, { makeSocket: cap.makeSocket, scheduler, random: () => 0.5, print: () => {} });
  running.push({ h, wa });
  return { h, wa, cap, scheduler };
}

describe("WhatsApp through the real Baileys socket", () => {
  it("connects, closes with a retryable reason, schedules a reconnect, and keeps creds Baileys wrote across a restart", async () => {
    dir = mkdtempSync(join(tmpdir(), "loket-wa-real-"));
    silent = await silentServer();
    const dbPath = join(dir, "loket.db");

    const first = await start(dbPath, silent.url);
    const conn = silent.nextConnection();
    await first.cap.reached("connecting");
    const serverSide = await conn;
    expect(first.wa.connection.status()).toBe("connecting");

    // Baileys writes creds itself: a pairing request stores the number and code (then fails, as the
    // websocket is not open) — this goes through creds.update into SQLite.
    const real = first.cap.made[0]!;
    await expect(real.sock.requestPairingCode("6281234567890")).rejects.toThrow(/Connection Closed/);
    // A snapshot with Buffers kept (structuredClone would turn them into plain Uint8Arrays).
    const written = deserialize(serialize(real.auth.creds)) as typeof real.auth.creds;
    expect(written.me?.id).toBe("6281234567890@s.whatsapp.net");
    expect(written.pairingCode).toMatch(/^[A-Z0-9]{8}$/);

    // The link drops: a retryable close, and a reconnect is scheduled (not run: the test owns time).
    serverSide.destroy();
    await first.scheduler.scheduled();
    expect(real.states).toEqual(["connecting", "close"]);
    expect(real.codes).toEqual([408]); // connectionLost: the websocket errored (ECONNRESET)
    expect(first.wa.connection.status()).toBe("waiting");
    expect(first.wa.connection.history().attempt).toBe(1);
    expect(first.scheduler.delays).toEqual([1_000]);
    // The bot itself kept running all along.
    expect(await first.h.payer("1001", "telegram").say("menu")).toContain("Menu utama");

    await first.wa.stop();
    await first.h.close();
    running.splice(0);

    // A restart: the same database file gives back exactly what Baileys wrote, Buffers included.
    const reopened = await setupApp({}, { databasePath: dbPath });
    const stored = createAuthStore(createWhatsappAuthRepo(reopened.app.db)).load().state.creds;
    expect(stored).toEqual(written);
    expect(Buffer.isBuffer(stored.noiseKey.private)).toBe(true);
    await reopened.close();

    // A new adapter on it: the same device keys; the pairing that never finished is dropped, so
    // the next attempt offers a new QR or code instead of logging in as an unlinked device.
    const second = await start(dbPath, silent.url);
    await second.cap.reached("connecting");
    const restored = second.cap.made[0]!.auth.creds;
    expect(restored.me).toBeUndefined();
    expect(restored.pairingCode).toBeUndefined();
    expect({ ...restored, me: written.me, pairingCode: written.pairingCode }).toEqual(written);
    expect(Buffer.from(restored.signedIdentityKey.private).equals(Buffer.from(written.signedIdentityKey.private))).toBe(true);
  }, 15_000);

  it("with nowhere to connect (connection refused) fails fast and schedules a reconnect", async () => {
    silent = await silentServer();
    const url = silent.url;
    await new Promise<void>((resolve) => silent!.server.close(() => resolve()));
    silent = null;
    const { wa, cap, scheduler } = await start(":memory:", url);
    await scheduler.scheduled();
    expect(cap.made[0]!.states).toEqual(["connecting", "close"]);
    expect(cap.made[0]!.codes).toEqual([408]);
    expect(wa.connection.status()).toBe("waiting");
    expect(scheduler.delays).toEqual([1_000]);
  }, 15_000);
});
