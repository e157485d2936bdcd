import type { Logger } from "pino";
import { z } from "zod";
import type { AuthStore, LoadedAuth } from "./auth-state.ts";
import type { LoginPrompt } from "./login-prompt.ts";
import { FRESH_HISTORY, reconnectDecision, recordClose, recordOpen, type CloseHistory } from "./reconnect-policy.ts";
import type { MakeSocket, SocketEvents, WhatsappSocket } from "./socket.ts";

/** Timers behind an interface, so tests drive reconnects without sleeping. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  // Not unref'd: while WhatsApp waits to reconnect it may be the only thing keeping the bot alive.
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type ConnectionStatus = "idle" | "connecting" | "open" | "waiting" | "stopped";

export interface WhatsappConnectionDeps {
  auth: AuthStore;
  makeSocket: MakeSocket;
  log: Logger;
  /** The logger handed to Baileys (quieter than ours). */
  socketLog?: Logger;
  prompt: LoginPrompt;
  /** Digits with country code: pair by code instead of QR. */
  pairingNumber?: string | undefined;
  scheduler?: Scheduler;
  random?: () => number;
  onMessages?: (upsert: SocketEvents["messages.upsert"]) => void;
  onOpen?: () => void;
}

const boomLike = z.object({ output: z.object({ statusCode: z.number() }) });

/** Baileys closes with a Boom whose output.statusCode is a DisconnectReason. */
export function closeStatusCode(error: unknown): number | undefined {
  const parsed = boomLike.safeParse(error);
  return parsed.success ? parsed.data.output.statusCode : undefined;
}

interface Live {
  sock: WhatsappSocket;
  detach(): void;
}

/**
 * The socket's lifecycle: one socket at a time (the old one is ended before a new one exists),
 * reconnect with backoff on every close but a logout, which forgets the session and pairs anew.
 * The rest of the bot never waits on any of this.
 */
export function createWhatsappConnection(deps: WhatsappConnectionDeps) {
  const scheduler = deps.scheduler ?? realScheduler;
  const random = deps.random ?? Math.random;
  const log = deps.log;
  let auth: LoadedAuth = deps.auth.load();
  let live: Live | null = null;
  let status: ConnectionStatus = "idle";
  let generation = 0;
  let timer: { handle: unknown } | null = null;
  /** A retired socket still ending; the next one waits for it. */
  let ending: Promise<void> | null = null;
  let history: CloseHistory = FRESH_HISTORY;
  /** The terminal hears about the first open only, not about every reconnect. */
  let announced = false;

  function cancelTimer() {
    if (timer !== null) scheduler.clearTimeout(timer.handle);
    timer = null;
  }

  /** Ends the current socket; its late events are ignored by generation. */
  async function retire(): Promise<void> {
    const old = live;
    live = null;
    if (old === null) return;
    old.detach();
    try {
      await old.sock.end(undefined);
    } catch (err) {
      log.debug({ err }, "WhatsApp socket end failed");
    }
  }

  function connect(): void {
    if (status === "stopped") return;
    cancelTimer();
    const mine = ++generation;
    status = "connecting";
    // Single flight: a socket still standing is detached and ended before another is made, so two
    // sockets never act at once. (On the usual path a close has already dropped it.)
    if (live !== null) {
      const done = retire().finally(() => {
        if (ending === done) ending = null;
      });
      ending = done;
    }
    if (ending !== null) {
      void ending.then(() => {
        if (mine === generation && status === "connecting") createSocket(mine);
      });
      return;
    }
    createSocket(mine);
  }

  function createSocket(mine: number): void {
    discardUnfinishedPairing();
    let sock: WhatsappSocket;
    try {
      sock = deps.makeSocket(auth.state, deps.socketLog ?? log);
    } catch (err) {
      log.error({ err }, "WhatsApp socket could not be created");
      handleClose(mine, undefined, err);
      return;
    }
    let pairingRequested = false;
    const onCreds = () => {
      if (mine === generation) auth.saveCreds();
    };
    const onUpdate = (update: SocketEvents["connection.update"]) => {
      if (mine !== generation || status === "stopped") return;
      if (update.qr) {
        if (deps.pairingNumber !== undefined && !auth.state.creds.registered) {
          // A QR means the socket is open and WhatsApp is waiting for a login: the earliest moment a
          // pairing request can be sent (on `connecting` the websocket is not open yet and Baileys
          // throws "Connection Closed").
          if (!pairingRequested) {
            pairingRequested = true;
            requestPairingCode(sock, mine, deps.pairingNumber, update.qr);
          }
        } else {
          deps.prompt.qr(update.qr);
        }
      }
      if (update.connection === "connecting") status = "connecting";
      if (update.connection === "open") {
        status = "open";
        history = recordOpen(history);
        const me = sock.user?.id ?? "";
        log.info({ me }, "WhatsApp connected");
        if (!announced) deps.prompt.connected(me);
        announced = true;
        deps.onOpen?.();
      }
      if (update.connection === "close") handleClose(mine, closeStatusCode(update.lastDisconnect?.error), update.lastDisconnect?.error);
    };
    const onMessages = (upsert: SocketEvents["messages.upsert"]) => {
      if (mine === generation && status !== "stopped") deps.onMessages?.(upsert);
    };
    sock.ev.on("creds.update", onCreds);
    sock.ev.on("connection.update", onUpdate);
    sock.ev.on("messages.upsert", onMessages);
    live = {
      sock,
      detach() {
        sock.ev.off("creds.update", onCreds);
        sock.ev.off("connection.update", onUpdate);
        sock.ev.off("messages.upsert", onMessages);
      },
    };
  }

  /**
   * A pairing-code request sets `me` to the number before anything is linked (only a finished
   * link brings `account`). Left there, the next socket would log in as a device that does not
   * exist and be logged out, instead of offering a new QR or code.
   */
  function discardUnfinishedPairing(): void {
    const creds = auth.state.creds;
    if (creds.me === undefined || creds.account !== undefined) return;
    creds.me = undefined;
    creds.pairingCode = undefined;
    auth.saveCreds();
    log.info("unfinished WhatsApp pairing discarded");
  }

  function requestPairingCode(sock: WhatsappSocket, mine: number, number: string, qr: string): void {
    sock.requestPairingCode(number).then(
      (code) => {
        if (mine !== generation) return;
        log.info("WhatsApp pairing code issued");
        deps.prompt.pairingCode(number, code);
      },
      (err: unknown) => {
        if (mine !== generation) return;
        log.warn({ err }, "WhatsApp pairing code request failed; showing the QR instead");
        discardUnfinishedPairing();
        deps.prompt.qr(qr);
      },
    );
  }

  function handleClose(mine: number, statusCode: number | undefined, error: unknown): void {
    if (mine !== generation || status === "stopped") return;
    live?.detach();
    live = null;
    history = recordClose(history, statusCode);
    const decision = reconnectDecision(statusCode, history, random);
    const detail = error instanceof Error ? error.message : undefined;
    if (decision.action === "logout") {
      log.warn(
        { reason: decision.reason, statusCode, attempt: history.attempt, delayMs: decision.delayMs },
        "WhatsApp logged out; clearing the session and pairing again",
      );
      deps.auth.clear();
      auth = deps.auth.load();
      announced = false;
      deps.prompt.loggedOut();
    } else {
      log.warn(
        { reason: decision.reason, statusCode, attempt: history.attempt, delayMs: decision.delayMs, detail },
        "WhatsApp connection closed; reconnecting",
      );
    }
    status = "waiting";
    // Even "at once" goes through the scheduler: never open a socket from inside the old one's emit.
    const handle = scheduler.setTimeout(() => {
      timer = null;
      connect();
    }, decision.delayMs);
    timer = { handle };
  }

  return {
    start(): void {
      if (status === "idle") connect();
    },
    async stop(): Promise<void> {
      status = "stopped";
      cancelTimer();
      await retire();
      if (ending !== null) await ending;
    },
    /** Ends the current socket (if any) and makes a new one, e.g. on an operator's request. */
    restart(): void {
      connect();
    },
    /** The socket if it is open for sending, else null. */
    openSocket(): WhatsappSocket | null {
      return status === "open" && live !== null ? live.sock : null;
    },
    status: (): ConnectionStatus => status,
    history: (): CloseHistory => history,
  };
}
export type WhatsappConnection = ReturnType<typeof createWhatsappConnection>;
