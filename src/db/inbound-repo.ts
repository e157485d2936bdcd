import type { Db } from "./open.ts";
import type { Platform } from "../domain/messages.ts";

/** Platform update ids already handled (docs/delivery.md#inbound). */
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
export type InboundRepo = ReturnType<typeof createInboundRepo>;
