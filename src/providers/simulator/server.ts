import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createControls, handleControl, type PayCall } from "./controls.ts";
import { SIMULATOR_CREDENTIALS, type SimulatorCredentials } from "./credentials.ts";
import { handleEspay, type EspayDeps, type EspayEndpoint } from "./espay-handler.ts";
import { BodyTooLargeError, json, readBody, writeAnswer, type Answer } from "./http-io.ts";
import { envelope, rcData } from "./iak-responses.ts";
import { handleIak, type IakDeps } from "./iak-handler.ts";
import { createPayBook, type SettleOutcome } from "./pay-book.ts";
import { openSimStore } from "./store.ts";

/**
 * One HTTP server on loopback speaking IAK postpaid and Espay biller on the same base URL
 * (docs/providers.md#the-simulator).
 */

export interface SimulatorOptions {
  /** Its OWN SQLite file (or ":memory:"), apart from the bot's, so records outlive the bot. */
  dbPath: string;
  host?: string;
  /** 0 (the default) picks a free port; read it back from `url`. */
  port?: number;
  credentials?: SimulatorCredentials;
  /** Pending payments settle (success) this long after the pay. */
  settleAfterMs?: number;
  now?: () => number;
  /** Operator deposit in rupiah, set only when the file is new. */
  initialDeposit?: number;
}

export interface Simulator {
  url: string;
  settle(refOrTrId: string, outcome: SettleOutcome): void;
  setDeposit(rupiah: number): void;
  deposit(): number;
  payCalls(): PayCall[];
  close(): Promise<void>;
}

export type { PayCall };

const IAK_PATH = /^\/api\/v1\/bill\/check(?:\/([^/]+))?\/?$/;
const ESPAY_PATHS: Readonly<Record<string, EspayEndpoint>> = {
  "/rest/biller/inquirytransaction": "inquiry",
  "/rest/biller/paymentreport": "payment",
  "/rest/billertools/gettransactioninfo": "status",
};

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const credentials = opts.credentials ?? SIMULATOR_CREDENTIALS;
  const now = opts.now ?? Date.now;
  const store = openSimStore(opts.dbPath, opts.initialDeposit ?? 1_000_000_000);
  const book = createPayBook({ store, now, settleAfterMs: opts.settleAfterMs ?? 20_000 });
  const controls = createControls(store, book);
  const iak: IakDeps = { store, book, credentials: credentials.iak, now };
  const espay: EspayDeps = { store, book, credentials: credentials.espay, now };

  function dispatch(method: string, path: string, authorization: string | undefined, body: string): Answer {
    if (path.startsWith("/__sim/")) return handleControl(controls, method, path, body);
    const iakMatch = IAK_PATH.exec(path);
    if (iakMatch !== null) {
      if (method !== "POST") return json(405, envelope(rcData("117")));
      return handleIak(iak, iakMatch[1], body);
    }
    const endpoint = ESPAY_PATHS[path];
    if (endpoint !== undefined) {
      if (method !== "POST") return json(405, { error_code: "0405", error_desc: "method not allowed" });
      return handleEspay(espay, endpoint, authorization, body);
    }
    return json(404, envelope(rcData("117")));
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const method = req.method ?? "GET";
      const path = new URL(req.url ?? "/", "http://simulator").pathname;
      const body = method === "POST" ? await readBody(req) : "";
      writeAnswer(res, dispatch(method, path, req.headers.authorization, body));
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof BodyTooLargeError) return writeAnswer(res, json(413, { error: err.message }));
      writeAnswer(res, json(500, { error: err instanceof Error ? err.message : String(err) }));
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
    store.close();
    throw err;
  }
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("simulator: not listening on TCP");
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    settle: (refOrTrId, outcome) => {
      controls.settle(refOrTrId, outcome);
    },
    setDeposit: (rupiah) => controls.setDeposit(rupiah),
    deposit: () => controls.deposit(),
    payCalls: () => controls.payCalls(),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        // Keep-alive sockets of clients would otherwise hold close() open.
        server.closeAllConnections();
      }).finally(() => store.close());
      return closing;
    },
  };
}
