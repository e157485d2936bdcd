import makeWASocket, { makeCacheableSignalKeyStore } from "@whiskeysockets/baileys";
import type { MakeSocket } from "./socket.ts";

export interface BaileysSocketOptions {
  /** Caps the websocket handshake and each frame send; Baileys' default is 20 s. */
  connectTimeoutMs?: number;
  /** Where to connect; only tests point this elsewhere (a closed loopback port). */
  waWebSocketUrl?: string;
}

/**
 * The real socket: Baileys' makeWASocket over our SQLite auth state, the keys behind Baileys' own
 * in-memory cache (a session is read on every message). The QR is not printed by Baileys
 * (printQRInTerminal is deprecated); the connection prints it from connection.update.
 */
export function baileysSocketFactory(options: BaileysSocketOptions = {}): MakeSocket {
  return (auth, logger) =>
    makeWASocket({
      auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
      logger,
      connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
      ...(options.waWebSocketUrl === undefined ? {} : { waWebSocketUrl: options.waWebSocketUrl }),
      // A counter answers new messages; old chats' history is of no use to it.
      syncFullHistory: false,
    });
}

/** Re-exported so tests can check reconnect-policy's copied codes without importing Baileys. */
export { DisconnectReason } from "@whiskeysockets/baileys";
