import { BufferJSON, initAuthCreds, proto } from "@whiskeysockets/baileys";
import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap, SignalKeyStore } from "@whiskeysockets/baileys";
import { z } from "zod";
import { inTransaction, type Db } from "../../db/open.ts";

/**
 * Baileys' auth state in the main SQLite database (tables from migration 003), in place of the
 * multi-file store: the creds row and every signal key live beside the ledger, are backed up with
 * it, and a multi-key write (a session plus its pre-keys) commits in one transaction or not at all.
 */
export interface AuthStore {
  /** The saved creds (or new ones, saved at once, so the QR's keys survive a restart) and the key store. */
  load(): LoadedAuth;
  hasCreds(): boolean;
  /** Replaces the saved creds (the multi-file import). */
  writeCreds(creds: AuthenticationCreds): void;
  /** The signal key store over whatsapp_auth_keys; each set() is one transaction. */
  keys: SignalKeyStore;
  /** Logged out: forget the device entirely, so the next connection pairs from scratch. */
  clear(): void;
  /** Baileys' own LID ↔ phone mapping (key type `lid-mapping`), read without a network lookup. */
  lidMapping: LidMappingLookup;
}

export interface LoadedAuth {
  /** The raw store; the socket factory wraps `keys` with makeCacheableSignalKeyStore. */
  state: AuthenticationState;
  /** Writes the creds object as it is now (Baileys mutates it in place, then emits creds.update). */
  saveCreds(): void;
}

export interface LidMappingLookup {
  /** `123…` (LID user) → `6281…` (phone user), or null when Baileys has not learnt it. */
  pnUserForLidUser(lidUser: string): string | null;
  lidUserForPnUser(pnUser: string): string | null;
}

export class AuthStateError extends Error {
  override name = "AuthStateError";
}

const bytes = z.instanceof(Uint8Array);
const keyPair = z.object({ public: bytes, private: bytes });
/** Enough of the creds to know the row is Baileys' and was revived with its Buffers. */
const storedCreds = z.looseObject({
  noiseKey: keyPair,
  pairingEphemeralKeyPair: keyPair,
  signedIdentityKey: keyPair,
  signedPreKey: z.looseObject({ keyPair, signature: bytes, keyId: z.number() }),
  registrationId: z.number(),
  advSecretKey: z.string(),
  registered: z.boolean().optional(),
});

export function isAuthCreds(value: unknown): value is AuthenticationCreds {
  return storedCreds.safeParse(value).success;
}

export function serialize(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

export function deserialize(text: string): unknown {
  const value: unknown = JSON.parse(text, BufferJSON.reviver);
  return value;
}

export function createAuthStore(db: Db, now: () => number = Date.now): AuthStore {
  const getCreds = db.prepare<[], { creds: string }>("SELECT creds FROM whatsapp_auth_creds WHERE id = 1");
  const putCreds = db.prepare<[string, number]>(
    "INSERT INTO whatsapp_auth_creds (id, creds, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET creds = excluded.creds, updated_at = excluded.updated_at",
  );
  const getKey = db.prepare<[string, string], { value: string }>("SELECT value FROM whatsapp_auth_keys WHERE type = ? AND id = ?");
  const putKey = db.prepare<[string, string, string]>(
    "INSERT INTO whatsapp_auth_keys (type, id, value) VALUES (?, ?, ?) ON CONFLICT(type, id) DO UPDATE SET value = excluded.value",
  );
  const deleteKey = db.prepare<[string, string]>("DELETE FROM whatsapp_auth_keys WHERE type = ? AND id = ?");
  const deleteAllKeys = db.prepare("DELETE FROM whatsapp_auth_keys");
  const deleteCreds = db.prepare("DELETE FROM whatsapp_auth_creds");

  function readKey(type: string, id: string): unknown {
    const row = getKey.get(type, id);
    return row === undefined ? undefined : deserialize(row.value);
  }

  const keys: SignalKeyStore = {
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        let value = readKey(type, id);
        if (value === undefined || value === null) continue;
        // Baileys expects the protobuf class here (it calls its methods), as its file store does.
        if (type === "app-state-sync-key") value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
        // The row was written by set() below from a value of this very type: JSON cannot say so.
        out[id] = value as SignalDataTypeMap[T];
      }
      return out;
    },
    set(data: SignalDataSet) {
      inTransaction(db, () => {
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            if (value === null || value === undefined) deleteKey.run(type, id);
            else putKey.run(type, id, serialize(value));
          }
        }
      });
    },
    clear() {
      deleteAllKeys.run();
    },
  };

  function readCreds(): AuthenticationCreds | null {
    const row = getCreds.get();
    if (row === undefined) return null;
    const value = deserialize(row.creds);
    if (!isAuthCreds(value)) {
      throw new AuthStateError(
        "The WhatsApp session in the database is unreadable. To pair again, delete it: DELETE FROM whatsapp_auth_creds; DELETE FROM whatsapp_auth_keys;",
      );
    }
    return value;
  }

  function lidMappingValue(id: string): string | null {
    const value = readKey("lid-mapping", id);
    return typeof value === "string" && /^\d+$/.test(value) ? value : null;
  }

  return {
    load() {
      let creds = readCreds();
      if (creds === null) {
        creds = initAuthCreds();
        putCreds.run(serialize(creds), now());
      }
      const state: AuthenticationState = { creds, keys };
      return { state, saveCreds: () => void putCreds.run(serialize(state.creds), now()) };
    },
    hasCreds: () => getCreds.get() !== undefined,
    writeCreds: (creds) => void putCreds.run(serialize(creds), now()),
    keys,
    clear() {
      inTransaction(db, () => {
        deleteCreds.run();
        deleteAllKeys.run();
      });
    },
    lidMapping: {
      // Baileys stores `<pn user>` → lid user and `<lid user>_reverse` → pn user.
      pnUserForLidUser: (lidUser) => lidMappingValue(`${lidUser}_reverse`),
      lidUserForPnUser: (pnUser) => lidMappingValue(pnUser),
    },
  };
}
