import type { AuthenticationState, BaileysEventMap, WAPresence } from "@whiskeysockets/baileys";
import type { Logger } from "pino";

/** The events the adapter listens to, typed exactly as Baileys emits them. */
export type SocketEvents = Pick<BaileysEventMap, "connection.update" | "messages.upsert" | "creds.update">;

export interface SocketEventEmitter {
  on<K extends keyof SocketEvents>(event: K, listener: (arg: SocketEvents[K]) => void): void;
  off<K extends keyof SocketEvents>(event: K, listener: (arg: SocketEvents[K]) => void): void;
}

/**
 * The slice of a Baileys socket the adapter uses. Baileys' own socket satisfies it structurally,
 * and so does the fake in test/fakes, so nothing outside this folder needs Baileys.
 */
export interface WhatsappSocket {
  readonly ev: SocketEventEmitter;
  readonly user: { id: string; lid?: string | undefined } | undefined;
  sendMessage(jid: string, content: WhatsappContent): Promise<{ key: { id?: string | null } } | undefined>;
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  end(error: Error | undefined): void | Promise<void>;
}

/** What the adapter sends: a text, or a picture (a QRIS code) with its caption. */
export type WhatsappContent = { text: string } | { image: Buffer; caption: string; mimetype: "image/png" };

/** Creates one socket over an auth state; the adapter ends the previous one first. */
export type MakeSocket = (auth: AuthenticationState, logger: Logger) => WhatsappSocket;

export type { AuthenticationCreds, AuthenticationState, ConnectionState, WAMessage } from "@whiskeysockets/baileys";
