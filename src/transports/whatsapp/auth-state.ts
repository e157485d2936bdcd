import { BufferJSON, initAuthCreds, proto } from "@whiskeysockets/baileys";
import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap, SignalKeyStore } from "@whiskeysockets/baileys";
import { z } from "zod";
import type { WhatsappAuthRepo } from "../../db/whatsapp-auth-repo.ts";

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

export function createAuthStore(repo: WhatsappAuthRepo, now: () => number = Date.now): AuthStore {
  function readKey(type: string, id: string): unknown {
    const value = repo.key(type, id);
    return value === null ? undefined : deserialize(value);
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
      const entries: [string, string, string | null][] = [];
      for (const [type, values] of Object.entries(data)) {
        for (const [id, value] of Object.entries(values ?? {})) entries.push([type, id, value === null || value === undefined ? null : serialize(value)]);
      }
      repo.putKeys(entries);
    },
    clear() {
      repo.clearKeys();
    },
  };

  function readCreds(): AuthenticationCreds | null {
    const raw = repo.creds();
    if (raw === null) return null;
    const value = deserialize(raw);
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
        repo.putCreds(serialize(creds), now());
      }
      const state: AuthenticationState = { creds, keys };
      return { state, saveCreds: () => repo.putCreds(serialize(state.creds), now()) };
    },
    hasCreds: () => repo.creds() !== null,
    writeCreds: (creds) => repo.putCreds(serialize(creds), now()),
    keys,
    clear: () => repo.clear(),
    lidMapping: {
      // Baileys stores `<pn user>` → lid user and `<lid user>_reverse` → pn user.
      pnUserForLidUser: (lidUser) => lidMappingValue(`${lidUser}_reverse`),
      lidUserForPnUser: (pnUser) => lidMappingValue(pnUser),
    },
  };
}
