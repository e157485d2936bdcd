import type { Db } from "./open.ts";
import type { Platform } from "../domain/messages.ts";
import { mintPublicId } from "../domain/ref.ts";

export interface UserRow {
  id: number;
  public_id: string;
  platform: Platform;
  address: string;
  display_name: string | null;
  locale: string | null;
  blocked: number;
  broadcast_opt_out: number;
  created_at: number;
  last_seen_at: number;
  erased_at: number | null;
}

export function createUsersRepo(db: Db) {
  const byIdentity = db.prepare<[string, string], UserRow>(
    "SELECT u.* FROM user_identities i JOIN users u ON u.id = i.user_id WHERE i.platform = ? AND i.external_id = ?",
  );
  const byId = db.prepare<[number], UserRow>("SELECT * FROM users WHERE id = ?");
  const byPublicId = db.prepare<[string], UserRow>("SELECT * FROM users WHERE public_id = ?");
  const insertUser = db.prepare<[string, string, string, string | null, string | null, number, number]>(
    "INSERT INTO users (public_id, platform, address, display_name, locale, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const insertIdentity = db.prepare<[string, string, number]>("INSERT OR IGNORE INTO user_identities (platform, external_id, user_id) VALUES (?, ?, ?)");
  const touch = db.prepare<[number, string, number]>("UPDATE users SET last_seen_at = ?, address = ? WHERE id = ?");
  const setLocale = db.prepare<[string, number]>("UPDATE users SET locale = ? WHERE id = ?");
  const setOptOut = db.prepare<[number, number]>("UPDATE users SET broadcast_opt_out = ? WHERE id = ?");
  const setBlocked = db.prepare<[number, number]>("UPDATE users SET blocked = ? WHERE id = ?");
  const erase = db.prepare<[number, number]>("UPDATE users SET display_name = NULL, erased_at = ? WHERE id = ?");
  const identitiesOf = db.prepare<[number], { platform: string; external_id: string }>("SELECT platform, external_id FROM user_identities WHERE user_id = ?");
  const removeIdentity = db.prepare<[string, string, number]>("DELETE FROM user_identities WHERE platform = ? AND external_id = ? AND user_id = ?");
  const setAddress = db.prepare<[string, number]>("UPDATE users SET address = ? WHERE id = ?");

  return {
    findByIdentity: (platform: Platform, externalId: string) => byIdentity.get(platform, externalId),
    findById: (id: number) => byId.get(id),
    findByPublicId: (publicId: string) => byPublicId.get(publicId.toUpperCase()),
    identitiesOf: (id: number) => identitiesOf.all(id),
    create(p: { platform: Platform; externalId: string; address: string; displayName?: string; locale: string | null; now: number }): UserRow {
      // A random public id could collide; retry a few times instead of trusting luck.
      for (let attempt = 0; ; attempt++) {
        try {
          const info = insertUser.run(mintPublicId(), p.platform, p.address, p.displayName ?? null, p.locale, p.now, p.now);
          const id = Number(info.lastInsertRowid);
          insertIdentity.run(p.platform, p.externalId, id);
          return byId.get(id)!;
        } catch (err) {
          if (attempt < 5 && String(err).includes("users.public_id")) continue;
          throw err;
        }
      }
    },
    addIdentity: (platform: Platform, externalId: string, userId: number) => insertIdentity.run(platform, externalId, userId).changes > 0,
    /** An id that no longer names this person (WhatsApp: the number they left); true when it did. */
    removeIdentity: (platform: Platform, externalId: string, userId: number) => removeIdentity.run(platform, externalId, userId).changes > 0,
    /** Where the person's messages go from now on. */
    setAddress: (id: number, address: string) => void setAddress.run(address, id),
    touch: (id: number, address: string, now: number) => touch.run(now, address, id),
    setLocale: (id: number, locale: string) => setLocale.run(locale, id),
    setBroadcastOptOut: (id: number, optOut: boolean) => setOptOut.run(optOut ? 1 : 0, id),
    setBlocked: (id: number, blocked: boolean) => setBlocked.run(blocked ? 1 : 0, id),
    erase: (id: number, now: number) => erase.run(now, id),
  };
}
export type UsersRepo = ReturnType<typeof createUsersRepo>;
