import { z } from "zod";
import type { Db } from "./open.ts";
import { readJson } from "../shared/json.ts";

const stored = z.object({ balance: z.number().int(), at: z.number().int(), ref: z.string() });

export interface DepositReport {
  provider: string;
  /** Rupiah left in the operator's deposit at the provider, as the provider said. */
  balance: number;
  /** When the receipt that said so was recorded. */
  at: number;
  /** The payment whose receipt carried it. */
  ref: string;
}

const PREFIX = "deposit:";

/**
 * The provider deposit last reported, per provider (docs/dashboard.md#deposit): a paid receipt may
 * carry the balance left (IAK does); it is kept in the `meta` table, written in the commit that
 * settles the payment, so the figure and the payment it came with never disagree.
 */
export function createProviderDepositRepo(db: Db) {
  const put = db.prepare<[string, string]>("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  const all = db.prepare<[], { key: string; value: string }>(`SELECT key, value FROM meta WHERE key LIKE '${PREFIX}%' ORDER BY key`);
  return {
    record(provider: string, balance: number, at: number, ref: string): void {
      if (!Number.isSafeInteger(balance)) return;
      put.run(PREFIX + provider, JSON.stringify({ balance, at, ref }));
    },
    /** The last report of each provider that ever sent one; a stored value that does not parse is left out. */
    latest(): DepositReport[] {
      const out: DepositReport[] = [];
      for (const row of all.all()) {
        const parsed = stored.safeParse(readJson(row.value));
        if (parsed.success) out.push({ provider: row.key.slice(PREFIX.length), ...parsed.data });
      }
      return out;
    },
  };
}
export type ProviderDepositRepo = ReturnType<typeof createProviderDepositRepo>;
