import type { Db } from "./open.ts";
import type { ProductId } from "../domain/products.ts";

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
  const listForProduct = db.prepare<[number, string], SavedNumberRow>("SELECT * FROM saved_numbers WHERE user_id = ? AND product = ? ORDER BY id LIMIT 8");
  const isSaved = db.prepare<[number, string, string], { one: 1 }>("SELECT 1 AS one FROM saved_numbers WHERE user_id = ? AND product = ? AND number = ?");
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
    isSaved: (userId: number, product: ProductId, number: string) => isSaved.get(userId, product, number) !== undefined,
    get: (userId: number, id: number) => get.get(id, userId),
    save: (userId: number, product: ProductId, number: string, label: string, now: number) => upsert.run(userId, product, number, label, now),
    remove: (userId: number, id: number) => remove.run(id, userId).changes > 0,
    removeAll: (userId: number) => removeAll.run(userId).changes,
  };
}
export type SavedNumbersRepo = ReturnType<typeof createSavedNumbersRepo>;
