import type {
  AuthenticationState,
  MakeSocket,
  SocketEventEmitter,
  SocketEvents,
  WAMessage,
  WhatsappContent,
  WhatsappSocket,
} from "../../src/transports/whatsapp/socket.ts";

type Listener = (arg: unknown) => void;

/** The three events the adapter listens to, with emit for the test to play WhatsApp. */
export class FakeEmitter implements SocketEventEmitter {
  private readonly listeners = new Map<keyof SocketEvents, Set<Listener>>();

  on<K extends keyof SocketEvents>(event: K, listener: (arg: SocketEvents[K]) => void): void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.listeners.set(event, set);
  }

  off<K extends keyof SocketEvents>(event: K, listener: (arg: SocketEvents[K]) => void): void {
    this.listeners.get(event)?.delete(listener as Listener);
  }

  emit<K extends keyof SocketEvents>(event: K, arg: SocketEvents[K]): boolean {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return false;
    for (const l of [...set]) l(arg);
    return true;
  }

  count(event: keyof SocketEvents): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}

export interface SentMessage {
  jid: string;
  /** The text, or a picture's caption. */
  text: string;
  id: string;
  /** A picture sent with the text as its caption. */
  image?: { bytes: Buffer; mimetype: string };
}

/** A Boom-shaped close error, as Baileys puts in lastDisconnect.error. */
export function closeError(statusCode: number, message = "closed"): Error {
  return Object.assign(new Error(message), { output: { statusCode } });
}

let keySeq = 0;

/** Stands in for a Baileys socket: records sends, lets the test open, close and deliver. */
export class FakeWhatsappSocket implements WhatsappSocket {
  readonly ev = new FakeEmitter();
  user: { id: string; lid?: string } | undefined = undefined;
  readonly sent: SentMessage[] = [];
  readonly presence: { type: string; jid: string | undefined }[] = [];
  readonly pairingRequests: string[] = [];
  ended = false;
  /** Make sendMessage reject (a socket that dropped between open and send). */
  failSends = false;
  pairingResult: string | Error = "ABCD1234";

  constructor(readonly auth: AuthenticationState) {}

  async sendMessage(jid: string, content: WhatsappContent) {
    if (this.ended || this.failSends) throw closeError(428, "Connection Closed");
    const id = `FAKE${++keySeq}`;
    if ("image" in content) this.sent.push({ jid, text: content.caption, id, image: { bytes: content.image, mimetype: content.mimetype } });
    else this.sent.push({ jid, text: content.text, id });
    return { key: { remoteJid: jid, fromMe: true, id } };
  }

  async sendPresenceUpdate(type: "unavailable" | "available" | "composing" | "recording" | "paused", jid?: string) {
    this.presence.push({ type, jid });
  }

  async requestPairingCode(phoneNumber: string) {
    this.pairingRequests.push(phoneNumber);
    if (this.pairingResult instanceof Error) throw this.pairingResult;
    return this.pairingResult;
  }

  end(error: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    // Baileys emits its own close when ended.
    this.ev.emit("connection.update", { connection: "close", lastDisconnect: { error, date: new Date() } });
  }

  // ——— the test plays WhatsApp ———

  connecting(): void {
    this.ev.emit("connection.update", { connection: "connecting", receivedPendingNotifications: false, qr: undefined });
  }

  open(id = "6280000000001:7@s.whatsapp.net"): void {
    this.user = { id };
    this.ev.emit("connection.update", { connection: "open" });
  }

  qr(qr = "2@fake-qr-ref,noise,identity,adv"): void {
    this.ev.emit("connection.update", { qr });
  }

  /** The server closes the socket with a DisconnectReason. */
  close(statusCode: number): void {
    this.ended = true;
    this.ev.emit("connection.update", { connection: "close", lastDisconnect: { error: closeError(statusCode), date: new Date() } });
  }

  credsUpdate(update: SocketEvents["creds.update"]): void {
    Object.assign(this.auth.creds, update);
    this.ev.emit("creds.update", update);
  }

  deliver(messages: WAMessage[], type: "notify" | "append" = "notify"): void {
    this.ev.emit("messages.upsert", { messages, type });
  }
}

let idSeq = 0;

/** A text message as Baileys decodes it from a private chat. */
export function textMessage(
  from: string,
  text: string,
  opts: { id?: string; alt?: string; fromMe?: boolean; pushName?: string; participant?: string } = {},
): WAMessage {
  return {
    key: {
      remoteJid: from,
      fromMe: opts.fromMe ?? false,
      id: opts.id ?? `3EB0${(++idSeq).toString(16).toUpperCase().padStart(8, "0")}`,
      ...(opts.alt === undefined ? {} : { remoteJidAlt: opts.alt }),
      ...(opts.participant === undefined ? {} : { participant: opts.participant }),
    },
    message: { conversation: text },
    messageTimestamp: 1_800_000_000,
    pushName: opts.pushName ?? "Budi",
  };
}

/** A makeSocket that hands out fake sockets and remembers them. */
export function fakeSocketFactory() {
  const sockets: FakeWhatsappSocket[] = [];
  const makeSocket: MakeSocket = (auth) => {
    const sock = new FakeWhatsappSocket(auth);
    sockets.push(sock);
    return sock;
  };
  return {
    makeSocket,
    sockets,
    last(): FakeWhatsappSocket {
      const s = sockets.at(-1);
      if (!s) throw new Error("no socket created yet");
      return s;
    },
  };
}

/** A scheduler the test advances by hand: reconnect delays are recorded, nothing sleeps. */
export function manualScheduler() {
  let seq = 0;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  const delays: number[] = [];
  return {
    delays,
    setTimeout(fn: () => void, ms: number): unknown {
      const id = ++seq;
      pending.set(id, { fn, ms });
      delays.push(ms);
      return id;
    },
    clearTimeout(handle: unknown) {
      pending.delete(handle as number);
    },
    pendingCount: () => pending.size,
    /** Runs every timer that is due now (they are all "due": time is whatever the test says). */
    runAll() {
      const due = [...pending.entries()];
      pending.clear();
      for (const [, t] of due) t.fn();
    },
  };
}
