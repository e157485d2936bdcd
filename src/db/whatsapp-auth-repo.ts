import type { Db } from "./open.ts";

/**
 * Baileys' auth state as rows (tables from migration 003): one creds row and the signal keys by
 * type and id. Values are opaque text here; the transport serialises them (transports/whatsapp).
 */
export function createWhatsappAuthRepo(db: Db) {
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
  const writeKeys = db.transaction((entries: readonly [type: string, id: string, value: string | null][]) => {
    for (const [type, id, value] of entries) {
      if (value === null) deleteKey.run(type, id);
      else putKey.run(type, id, value);
    }
  });
  const clearAll = db.transaction(() => {
    deleteCreds.run();
    deleteAllKeys.run();
  });
  return {
    creds: (): string | null => getCreds.get()?.creds ?? null,
    putCreds: (creds: string, now: number) => void putCreds.run(creds, now),
    key: (type: string, id: string): string | null => getKey.get(type, id)?.value ?? null,
    /** Writes and deletes (value null) in one transaction: a session and its pre-keys, or none. */
    putKeys: (entries: readonly [type: string, id: string, value: string | null][]) => void writeKeys.immediate(entries),
    clearKeys: () => void deleteAllKeys.run(),
    /** Forgets the device entirely. */
    clear: () => void clearAll.immediate(),
    /** Several writes as one (the multi-file import: creds and keys, or nothing). */
    atomically: <T>(fn: () => T): T => db.transaction(fn).immediate(),
  };
}
export type WhatsappAuthRepo = ReturnType<typeof createWhatsappAuthRepo>;
