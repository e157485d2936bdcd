/** The three BPJS products Loket sells (docs/providers.md#routing). */
export const PRODUCT_IDS = ["bpjs-kesehatan", "bpjs-ketenagakerjaan", "bpjs-denda"] as const;
export type ProductId = (typeof PRODUCT_IDS)[number];

export interface ProductInfo {
  id: ProductId;
  /** i18n key of the product's label. */
  labelKey: string;
  /** Months a payer may choose; null when the product has no month choice (Denda). */
  monthChoices: readonly number[] | null;
  minDigits: number;
  maxDigits: number;
  /** NIKs are personal data: shown masked to the last four digits everywhere. */
  maskNumber: boolean;
}

export const PRODUCTS: Readonly<Record<ProductId, ProductInfo>> = {
  "bpjs-kesehatan": {
    id: "bpjs-kesehatan",
    labelKey: "products.bpjs-kesehatan",
    monthChoices: [1, 2, 3, 6, 12],
    minDigits: 10,
    maxDigits: 16,
    maskNumber: false,
  },
  "bpjs-ketenagakerjaan": {
    id: "bpjs-ketenagakerjaan",
    labelKey: "products.bpjs-ketenagakerjaan",
    monthChoices: [1, 2, 3, 6, 12],
    minDigits: 16,
    maxDigits: 16,
    maskNumber: true,
  },
  "bpjs-denda": {
    id: "bpjs-denda",
    labelKey: "products.bpjs-denda",
    monthChoices: null,
    minDigits: 10,
    maxDigits: 16,
    maskNumber: false,
  },
};

export function isProductId(value: string): value is ProductId {
  return (PRODUCT_IDS as readonly string[]).includes(value);
}

export type NumberCheck = { ok: true; number: string } | { ok: false; problem: "not_digits" | "too_short" | "too_long" | "wrong_length" };

/**
 * Checks a typed customer number before any provider call: spaces and dashes are stripped,
 * leading zeros kept (Denda numbers start with 0).
 */
export function checkCustomerNumber(product: ProductId, raw: string): NumberCheck {
  const number = raw.replace(/[\s-]/g, "");
  if (!/^\d+$/.test(number)) return { ok: false, problem: "not_digits" };
  const { minDigits, maxDigits } = PRODUCTS[product];
  if (minDigits === maxDigits && number.length !== minDigits) return { ok: false, problem: "wrong_length" };
  if (number.length < minDigits) return { ok: false, problem: "too_short" };
  if (number.length > maxDigits) return { ok: false, problem: "too_long" };
  return { ok: true, number };
}
