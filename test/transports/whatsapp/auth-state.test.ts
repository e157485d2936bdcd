import { createWhatsappAuthRepo } from "../../../src/db/whatsapp-auth-repo.ts";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../src/db/open.ts";
import { importMultiFileAuthFolder } from "../../../src/transports/whatsapp/auth-import.ts";
import { AuthStateError, createAuthStore, serialize } from "../../../src/transports/whatsapp/auth-state.ts";

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "loket-wa-auth-"));
  db = openDatabase(join(dir, "loket.db"));
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function reopen(): Db {
  db.close();
  db = openDatabase(join(dir, "loket.db"));
  return db;
}

const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe("SQLite auth state", () => {
  it("creates creds once, saves them at once, and reads them back intact after a restart", () => {
    const first = createAuthStore(createWhatsappAuthRepo(db)).load();
    expect(count("whatsapp_auth_creds")).toBe(1);
    first.state.creds.me = { id: "6280000000001:7@s.whatsapp.net", name: "Loket" };
    first.state.creds.registered = true;
    first.saveCreds();

    const again = createAuthStore(createWhatsappAuthRepo(reopen())).load();
    expect(again.state.creds).toEqual(first.state.creds);
    expect(Buffer.isBuffer(again.state.creds.noiseKey.private)).toBe(true);
    expect(Buffer.compare(Buffer.from(again.state.creds.signedIdentityKey.public), Buffer.from(first.state.creds.signedIdentityKey.public))).toBe(0);
    expect(again.state.creds.registered).toBe(true);
  });

  it("stores signal keys with their Buffers, deletes on null, and returns only what exists", async () => {
    const { state } = createAuthStore(createWhatsappAuthRepo(db)).load();
    const keyPair = { public: Buffer.from([1, 2, 3]), private: Buffer.from([4, 5, 6]) };
    await state.keys.set({
      "pre-key": { "1": keyPair, "2": keyPair },
      session: { "6281234567890.0": Buffer.from("session-bytes") },
      "app-state-sync-key": { AAAAAF9q: { keyData: Buffer.from([9, 9]), timestamp: 1 } },
    });
    const store2 = createAuthStore(createWhatsappAuthRepo(reopen())).load();
    const pre = await store2.state.keys.get("pre-key", ["1", "2", "3"]);
    expect(Object.keys(pre)).toEqual(["1", "2"]);
    expect(Buffer.isBuffer(pre["1"]?.private)).toBe(true);
    expect(pre["1"]).toEqual(keyPair);
    const sessions = await store2.state.keys.get("session", ["6281234567890.0"]);
    expect(Buffer.from(sessions["6281234567890.0"]!).toString()).toBe("session-bytes");
    const sync = await store2.state.keys.get("app-state-sync-key", ["AAAAAF9q"]);
    // Baileys calls protobuf methods on these, so they come back as the protobuf class.
    expect(sync["AAAAAF9q"]?.constructor.name).toBe("AppStateSyncKeyData");
    expect(Buffer.from(sync["AAAAAF9q"]!.keyData!)).toEqual(Buffer.from([9, 9]));

    await store2.state.keys.set({ "pre-key": { "1": null } });
    expect(Object.keys(await store2.state.keys.get("pre-key", ["1", "2"]))).toEqual(["2"]);
  });

  it("writes a multi-key set in one transaction: all or nothing", async () => {
    const { state } = createAuthStore(createWhatsappAuthRepo(db)).load();
    const keyPair = { public: Buffer.from([1]), private: Buffer.from([2]) };
    // JSON cannot write a BigInt: the second key fails after the first was written.
    const broken = { public: Buffer.from([1]), private: 1n } as unknown as typeof keyPair;
    expect(() => state.keys.set({ "pre-key": { "10": keyPair, "11": broken } })).toThrow();
    expect(count("whatsapp_auth_keys")).toBe(0);
  });

  it("clears creds and keys on logout; the next load starts a new device", async () => {
    const store = createAuthStore(createWhatsappAuthRepo(db));
    const { state } = store.load();
    await state.keys.set({ session: { a: Buffer.from([1]) } });
    store.clear();
    expect(count("whatsapp_auth_creds")).toBe(0);
    expect(count("whatsapp_auth_keys")).toBe(0);
    const fresh = store.load();
    expect(Buffer.compare(Buffer.from(fresh.state.creds.noiseKey.public), Buffer.from(state.creds.noiseKey.public))).not.toBe(0);
  });

  it("reads Baileys' LID ↔ phone mapping both ways", async () => {
    const store = createAuthStore(createWhatsappAuthRepo(db));
    await store.load().state.keys.set({ "lid-mapping": { "6281234567890": "123456789012345", "123456789012345_reverse": "6281234567890" } });
    expect(store.lidMapping.lidUserForPnUser("6281234567890")).toBe("123456789012345");
    expect(store.lidMapping.pnUserForLidUser("123456789012345")).toBe("6281234567890");
    expect(store.lidMapping.pnUserForLidUser("999")).toBeNull();
  });

  it("refuses an unreadable creds row instead of silently pairing a new device", () => {
    db.prepare("INSERT INTO whatsapp_auth_creds (id, creds, updated_at) VALUES (1, ?, 0)").run(JSON.stringify({ hello: "world" }));
    expect(() => createAuthStore(createWhatsappAuthRepo(db)).load()).toThrow(AuthStateError);
  });
});

describe("multi-file auth folder import", () => {
  it("moves creds and keys into SQLite once, skipping group sender keys", async () => {
    const source = createAuthStore(createWhatsappAuthRepo(openDatabase(":memory:"))).load();
    source.state.creds.me = { id: "6280000000001:7@s.whatsapp.net" };
    source.state.creds.registered = true;
    const folder = join(dir, "auth_info_baileys");
    mkdirSync(folder);
    // File names as useMultiFileAuthState writes them (`/` → `__`, `:` → `-`).
    writeFileSync(join(folder, "creds.json"), serialize(source.state.creds));
    writeFileSync(join(folder, "pre-key-1.json"), serialize({ public: Buffer.from([1]), private: Buffer.from([2]) }));
    writeFileSync(join(folder, "session-6281234567890.0.json"), serialize(Buffer.from("s")));
    writeFileSync(join(folder, "app-state-sync-key-AB__CD.json"), serialize({ keyData: Buffer.from([7]), timestamp: 1 }));
    writeFileSync(join(folder, "lid-mapping-6281234567890.json"), serialize("123456789012345"));
    writeFileSync(join(folder, "sender-key-120363025246125486@g.us--6281234567890-0.json"), serialize(Buffer.from("x")));

    const store = createAuthStore(createWhatsappAuthRepo(db));
    expect(importMultiFileAuthFolder(createWhatsappAuthRepo(db), store, folder)).toEqual({ keys: 4, skipped: 1 });
    const loaded = store.load();
    expect(loaded.state.creds).toEqual(source.state.creds);
    expect(Object.keys(await loaded.state.keys.get("app-state-sync-key", ["AB/CD"]))).toEqual(["AB/CD"]);
    expect(store.lidMapping.lidUserForPnUser("6281234567890")).toBe("123456789012345");
    // Once only: the database now has a session of its own.
    expect(importMultiFileAuthFolder(createWhatsappAuthRepo(db), store, folder)).toBeNull();
    expect(
      importMultiFileAuthFolder(createWhatsappAuthRepo(db), createAuthStore(createWhatsappAuthRepo(openDatabase(":memory:"))), join(dir, "missing")),
    ).toBeNull();
  });
});
