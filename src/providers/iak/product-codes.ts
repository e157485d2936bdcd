import type { ProductId } from "../../domain/products.ts";

export type IakProductCode = "BPJS" | "BPJSTK" | "BPJSDENDA";

/** BPJSTK is Ketenagakerjaan BPU (informal workers, paid by NIK); PU (BPJSTKPU) is for employers and not sold. */
export const IAK_PRODUCT_CODES: Readonly<Record<ProductId, IakProductCode>> = {
  "bpjs-kesehatan": "BPJS",
  "bpjs-ketenagakerjaan": "BPJSTK",
  "bpjs-denda": "BPJSDENDA",
};

/** IAK requires `month` for BPJS and BPJSTK; the BPJSDENDA doc has no such field. */
export function takesMonths(product: ProductId): boolean {
  return product !== "bpjs-denda";
}

export function iakSupports(product: ProductId, months: number | undefined): boolean {
  if (!(product in IAK_PRODUCT_CODES)) return false;
  if (!takesMonths(product)) return months === undefined;
  return months !== undefined && Number.isInteger(months) && months >= 1 && months <= 12;
}
