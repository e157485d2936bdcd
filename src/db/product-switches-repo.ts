import type { Db } from "./open.ts";
import type { ProductId } from "../domain/products.ts";

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
export type ProductSwitchesRepo = ReturnType<typeof createProductSwitchesRepo>;
