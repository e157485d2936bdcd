import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import QRCode from "qrcode";
import type { Dispatcher } from "undici";
import { BodyTooLargeError, json, readBody, writeAnswer, type Answer } from "../../providers/simulator/http-io.ts";
import { createBook } from "./book.ts";
import { createControls, handleControl, type PayOutcome, type SimNotificationView, type SimOrderView } from "./controls.ts";
import { handleCoreApi } from "./core-api.ts";
import { GATEWAY_SIMULATOR_SERVER_KEY } from "./credentials.ts";
import { createNotifier } from "./notifier.ts";
import type { GatewayScenario } from "./scenarios.ts";
import { simSettings } from "./settings.ts";
import { openGatewaySimStore } from "./store.ts";

/**
 * The payment-gateway simulator: an HTTP server on loopback speaking the Midtrans Core API subset
 * Loket uses, with its orders in its own SQLite file and signed notifications POSTed to a
 * configured URL (docs/gateway.md#simulator). Startable in-process (tests, `npm start` with
 * GATEWAY=simulator) and standalone (`npm run simulator`).
 */

export interface GatewaySimulatorOptions {
  /** Its OWN SQLite file (or ":memory:"), apart from the bot's, so orders outlive the bot. */
  dbPath: string;
  host?: string;
  /** 0 (the default) picks a free port; read it back from `url`. */
  port?: number;
  /** The key clients must present and notifications are signed with. */
  serverKey?: string;
  /** Where notifications go when a charge names none (X-Override-Notification wins). */
  notifyUrl?: string;
  /** The simulated payer pays this long after the charge (scenario "pay"). Kept in the file. */
  payAfterMs?: number;
  now?: () => number;
  /** How often due changes and notifications are looked for; 0 = only on tick() (tests). Default 250. */
  tickMs?: number;
  /** For the notification POSTs; a MockAgent in tests. */
  dispatcher?: Dispatcher;
  notifyTimeoutMs?: number;
  retryDelaysMs?: readonly number[];
}

export interface GatewaySimulator {
  url: string;
  serverKey: string;
  /** The payer pays now (an order id or transaction id). `late` pays an expired order. */
  pay(id: string, opts?: { late?: boolean }): PayOutcome;
  orders(): SimOrderView[];
  notifications(): SimNotificationView[];
  payAfterMs(): number;
  setPayAfterMs(ms: number): void;
  /** The scenario of the next charge only; null to choose by amount again. */
  setNextScenario(scenario: GatewayScenario | null): void;
  /** Applies every change now due and delivers every notification now due; resolves when done. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export async function startGatewaySimulator(opts: GatewaySimulatorOptions): Promise<GatewaySimulator> {
  const now = opts.now ?? Date.now;
  const serverKey = opts.serverKey ?? GATEWAY_SIMULATOR_SERVER_KEY;
  if (serverKey === "") throw new Error("gateway simulator: empty server key");
  const store = openGatewaySimStore(opts.dbPath);
  const settings = simSettings(store);
  let notifier: ReturnType<typeof createNotifier>;
  try {
    store.transaction(() => {
      settings.setServerKey(serverKey);
      if (opts.payAfterMs !== undefined) settings.setPayAfterMs(opts.payAfterMs);
    });
    notifier = createNotifier({
      store,
      now,
      ...(opts.dispatcher !== undefined && { dispatcher: opts.dispatcher }),
      ...(opts.notifyTimeoutMs !== undefined && { timeoutMs: opts.notifyTimeoutMs }),
      ...(opts.retryDelaysMs !== undefined && { retryDelaysMs: opts.retryDelaysMs }),
    });
  } catch (err) {
    store.close();
    throw err;
  }
  const book = createBook({ store, now, serverKey, payAfterMs: () => settings.payAfterMs() });
  const controls = createControls(store, book, settings);

  // One pass at a time: a test's tick() waits for the background one instead of racing it.
  let chain: Promise<void> = Promise.resolve();
  function tick(): Promise<void> {
    const run = chain.then(async () => {
      book.advanceAllDue();
      await notifier.deliverDue();
    });
    chain = run.catch(() => undefined);
    return run;
  }

  let url = "";
  const coreApi = {
    book,
    serverKey: () => serverKey,
    baseUrl: () => url,
    defaultNotifyUrls: opts.notifyUrl === undefined ? [] : [opts.notifyUrl],
    takeNextScenario: () => settings.takeNextScenario(),
    deliverDue: tick,
  };

  async function qrPicture(res: ServerResponse, transactionId: string): Promise<void> {
    const row = book.find(transactionId);
    if (row?.qrString == null) return writeAnswer(res, json(404, { status_code: "404", status_message: "The requested resource is not found" }));
    const png = await QRCode.toBuffer(row.qrString, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 512 });
    res.writeHead(200, { "content-type": "image/png", "content-length": png.length });
    res.end(png);
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<Answer | null> {
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://simulator").pathname;
    const body = method === "POST" ? await readBody(req) : "";
    if (path.startsWith("/__sim/")) return handleControl(controls, tick, method, path, body);
    const qr = /^\/v2\/qris\/([A-Za-z0-9-]{1,64})\/qr-code$/.exec(path);
    if (qr?.[1] !== undefined && method === "GET") {
      await qrPicture(res, qr[1]);
      return null;
    }
    if (path.startsWith("/v2/")) {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(",") : value;
      return handleCoreApi(coreApi, method, path, headers, body, now());
    }
    return json(404, { status_code: "404", status_message: "The requested resource is not found" });
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const answer = await dispatch(req, res);
      if (answer !== null) writeAnswer(res, answer);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof BodyTooLargeError) return writeAnswer(res, json(413, { error: err.message }));
      writeAnswer(res, json(500, { status_code: "500", status_message: err instanceof Error ? err.message : String(err) }));
    }
  }

  const server = createServer((req, res) => void onRequest(req, res));
  const host = opts.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    await notifier.close();
    store.close();
    throw err;
  }
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("gateway simulator: not listening on TCP");
  url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;

  const tickMs = opts.tickMs ?? 250;
  const ticker = tickMs > 0 ? setInterval(() => void tick().catch(() => undefined), tickMs) : undefined;
  ticker?.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    serverKey,
    pay: (id, payOpts) => controls.pay(id, payOpts),
    orders: () => controls.orders(),
    notifications: () => controls.notifications(),
    payAfterMs: () => controls.payAfterMs(),
    setPayAfterMs: (ms) => controls.setPayAfterMs(ms),
    setNextScenario: (scenario) => controls.setNextScenario(scenario),
    tick,
    close() {
      closing ??= (async () => {
        if (ticker !== undefined) clearInterval(ticker);
        await new Promise<void>((resolve, reject) => {
          server.close((err) => (err === undefined ? resolve() : reject(err)));
          // Keep-alive sockets of clients would otherwise hold close() open.
          server.closeAllConnections();
        });
        await chain;
        await notifier.close();
        store.close();
      })();
      return closing;
    },
  };
}
