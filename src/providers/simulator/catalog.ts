import { PRODUCTS, type ProductId } from "../../domain/products.ts";

/** What the simulator sells: IAK's three BPJS codes and Espay's BPJSKS. */
export const IAK_CODES = ["BPJS", "BPJSTK", "BPJSDENDA"] as const;
export type IakCode = (typeof IAK_CODES)[number];

export const ESPAY_PRODUCT_CODE = "BPJSKS";

export const PRODUCT_OF_IAK_CODE: Readonly<Record<IakCode, ProductId>> = {
  BPJS: "bpjs-kesehatan",
  BPJSTK: "bpjs-ketenagakerjaan",
  BPJSDENDA: "bpjs-denda",
};

/** IAK's fee per month and commission per transaction, as the price list reports them. */
export const ADMIN_FEE = 2500;
export const IAK_COMMISSION = 300;

export function isIakCode(value: string): value is IakCode {
  return (IAK_CODES as readonly string[]).includes(value);
}

/**
 * The provider sees exactly what was sent: no stripping of spaces or dashes here, unlike the bot's
 * own check, so a client that forgets to normalise is caught.
 */
export function isValidCustomerNumber(product: ProductId, number: string): boolean {
  const { minDigits, maxDigits } = PRODUCTS[product];
  return /^\d+$/.test(number) && number.length >= minDigits && number.length <= maxDigits;
}

export interface PricelistEntry {
  code: IakCode;
  name: string;
  status: 1 | 4;
  fee: number;
  komisi: number;
  type: string;
  category: string;
}

export const IAK_PRICELIST: readonly PricelistEntry[] = [
  { code: "BPJS", name: "BPJS Kesehatan", status: 1, fee: ADMIN_FEE, komisi: IAK_COMMISSION, type: "bpjs", category: "pascabayar" },
  { code: "BPJSTK", name: "BPJS Ketenagakerjaan BPU", status: 1, fee: ADMIN_FEE, komisi: IAK_COMMISSION, type: "bpjs", category: "pascabayar" },
  { code: "BPJSDENDA", name: "BPJS Denda", status: 1, fee: ADMIN_FEE, komisi: IAK_COMMISSION, type: "bpjs", category: "pascabayar" },
];
