import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SignalDataSet, SignalDataTypeMap } from "@whiskeysockets/baileys";
import type { WhatsappAuthRepo } from "../../db/whatsapp-auth-repo.ts";
import { deserialize, isAuthCreds, type AuthStore } from "./auth-state.ts";

/**
 * Key types worth carrying over, longest first so `app-state-sync-key-…` is not read as
 * `app-state-sync-…`. Sender keys are left behind: they are for groups, which Loket ignores, and
 * their ids had `:` turned into `-` by the file store, which cannot be undone reliably.
 */
const IMPORTED_TYPES = [
  "app-state-sync-version",
  "app-state-sync-key",
  "identity-key",
  "device-list",
  "lid-mapping",
  "pre-key",
  "session",
  "tctoken",
] as const satisfies readonly (keyof SignalDataTypeMap)[];

export interface ImportResult {
  keys: number;
  skipped: number;
}

/**
 * One-shot move from Baileys' useMultiFileAuthState folder into SQLite, so an already linked
 * device keeps working without a new QR. Does nothing when the database already has a session
 * (it would be newer) or the folder has no creds.json; all or nothing in one transaction.
 */
export function importMultiFileAuthFolder(repo: WhatsappAuthRepo, store: AuthStore, folder: string): ImportResult | null {
  if (store.hasCreds()) return null;
  const credsPath = join(folder, "creds.json");
  try {
    if (!statSync(credsPath).isFile()) return null;
  } catch {
    return null;
  }
  const creds = deserialize(readFileSync(credsPath, "utf8"));
  if (!isAuthCreds(creds)) throw new Error(`${credsPath} is not a Baileys creds file`);

  const data: Record<string, Record<string, unknown>> = {};
  let keys = 0;
  let skipped = 0;
  for (const file of readdirSync(folder)) {
    if (file === "creds.json" || !file.endsWith(".json")) continue;
    const base = file.slice(0, -".json".length);
    const type = IMPORTED_TYPES.find((t) => base.startsWith(`${t}-`));
    if (type === undefined) {
      skipped++;
      continue;
    }
    // The file store wrote `/` as `__` (base64 ids of app-state keys).
    const id = base.slice(type.length + 1).replace(/__/g, "/");
    (data[type] ??= {})[id] = deserialize(readFileSync(join(folder, file), "utf8"));
    keys++;
  }
  repo.atomically(() => {
    store.writeCreds(creds);
    // Values were written by Baileys for these very types (JSON cannot carry the type); the
    // SQLite store writes synchronously, so this lands inside the transaction.
    void store.keys.set(data as SignalDataSet);
  });
  return { keys, skipped };
}
