import type { Db } from "./open.ts";
import type { Platform } from "../domain/messages.ts";
import type { ProductId } from "../domain/products.ts";

/** Platform update ids already handled (SPEC §5 Inbound). */
export function createInboundRepo(db: Db) {
  const insert = db.prepare<[string, string, number | null, number]>(
    "INSERT OR IGNORE INTO inbound (platform, message_id, user_id, received_at) VALUES (?, ?, ?, ?)",
  );
  const prune = db.prepare<[number]>("DELETE FROM inbound WHERE received_at < ?");
  return {
    /** True when this id is new (and now recorded); false for a re-delivery. */
    record: (platform: Platform, messageId: string, userId: number | null, now: number) => insert.run(platform, messageId, userId, now).changes === 1,
    /** Drops ids recorded before `before`; returns how many. See db/dedup-retention.ts for how long they must live. */
    pruneBefore: (before: number) => prune.run(before).changes,
  };
}

export interface SessionRow {
  user_id: number;
  version: number;
  state: string;
  updated_at: number;
}

export function createSessionsRepo(db: Db) {
  const get = db.prepare<[number], SessionRow>("SELECT * FROM sessions WHERE user_id = ?");
  const upsert = db.prepare<[number, number, string, number]>(
    `INSERT INTO sessions (user_id, version, state, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET version = excluded.version, state = excluded.state, updated_at = excluded.updated_at`,
  );
  const stepOf = db.prepare<[number], { step: string | null }>("SELECT json_extract(state, '$.step') AS step FROM sessions WHERE user_id = ?");
  return {
    get: (userId: number) => get.get(userId),
    save: (userId: number, version: number, state: string, now: number) => upsert.run(userId, version, state, now),
    /** The step a person's session is at, without reading the whole state (decides a commit's durability). */
    stepOfUser: (userId: number) => stepOf.get(userId)?.step ?? null,
  };
}

export interface SavedNumberRow {
  id: number;
  user_id: number;
  product: ProductId;
  number: string;
  label: string;
  created_at: number;
}

export function createSavedNumbersRepo(db: Db) {
  const list = db.prepare<[number], SavedNumberRow>("SELECT * FROM saved_numbers WHERE user_id = ? ORDER BY id");
  const listForProduct = db.prepare<[number, string], SavedNumberRow>(
    "SELECT * FROM saved_numbers WHERE user_id = ? AND product = ? ORDER BY id LIMIT 8",
  );
  const get = db.prepare<[number, number], SavedNumberRow>("SELECT * FROM saved_numbers WHERE id = ? AND user_id = ?");
  const upsert = db.prepare<[number, string, string, string, number]>(
    `INSERT INTO saved_numbers (user_id, product, number, label, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(user_id, product, number) DO UPDATE SET label = excluded.label`,
  );
  const remove = db.prepare<[number, number]>("DELETE FROM saved_numbers WHERE id = ? AND user_id = ?");
  const removeAll = db.prepare<[number]>("DELETE FROM saved_numbers WHERE user_id = ?");
  return {
    list: (userId: number) => list.all(userId),
    forProduct: (userId: number, product: ProductId) => listForProduct.all(userId, product),
    get: (userId: number, id: number) => get.get(id, userId),
    save: (userId: number, product: ProductId, number: string, label: string, now: number) => upsert.run(userId, product, number, label, now),
    remove: (userId: number, id: number) => remove.run(id, userId).changes > 0,
    removeAll: (userId: number) => removeAll.run(userId).changes,
  };
}

export function createAuditRepo(db: Db) {
  const insert = db.prepare<[string, string, string, number]>("INSERT INTO audit (actor, action, details, created_at) VALUES (?, ?, ?, ?)");
  return {
    record: (actor: string, action: string, details: Record<string, unknown>, now: number) => insert.run(actor, action, JSON.stringify(details), now),
  };
}

export function createProductSwitchesRepo(db: Db) {
  const disabled = db.prepare<[], { product: string }>("SELECT product FROM product_switches WHERE enabled = 0");
  const set = db.prepare<[string, number, string, number]>(
    `INSERT INTO product_switches (product, enabled, changed_by, changed_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(product) DO UPDATE SET enabled = excluded.enabled, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
  );
  // Read on every menu; cached briefly so a switch made by another process still shows within seconds.
  let cache: { at: number; set: Set<string> } | null = null;
  return {
    disabled(): Set<string> {
      const now = Date.now();
      if (!cache || now - cache.at > 5_000) cache = { at: now, set: new Set(disabled.all().map((r) => r.product)) };
      return cache.set;
    },
    set(product: ProductId, enabled: boolean, by: string, now: number) {
      cache = null;
      return set.run(product, enabled ? 1 : 0, by, now);
    },
  };
}

export function createTopupRequestsRepo(db: Db) {
  const insert = db.prepare<[number, number, number]>("INSERT INTO topup_requests (user_id, amount, status, created_at) VALUES (?, ?, 'pending', ?)");
  const get = db.prepare<[number], { id: number; user_id: number; amount: number; status: string }>("SELECT * FROM topup_requests WHERE id = ?");
  const decide = db.prepare<[string, string, number, number]>(
    "UPDATE topup_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
  );
  const pending = db.prepare<[number], { id: number }>("SELECT id FROM topup_requests WHERE user_id = ? AND status = 'pending' LIMIT 1");
  return {
    create: (userId: number, amount: number, now: number) => Number(insert.run(userId, amount, now).lastInsertRowid),
    pendingFor: (userId: number) => pending.get(userId) !== undefined,
    get: (id: number) => get.get(id),
    /** Compare-and-set: only one admin's tap decides a request. */
    decide: (id: number, status: "approved" | "rejected", by: string, now: number) => decide.run(status, by, now, id).changes === 1,
  };
}
