import { createHash, randomInt } from "node:crypto";
import { z } from "zod";
import { startOfWibMonth, wibDate } from "../../domain/wib-time.ts";
import { ADMIN_FEE, IAK_COMMISSION, type IakCode } from "./catalog.ts";

/**
 * Bill content, deterministic from the customer number (and the months, and for BPJSTK the WIB month
 * of the inquiry), so the same number always shows the same person and tests can predict amounts.
 */

/** Kelas III iuran as of 2026, per participant per month. */
export const BPJS_KESEHATAN_MONTHLY = 35_000;
/** BPU JKK + JKM + JHT per month. */
export const BPJSTK_MONTHLY = { jht: 20_000, jkk: 10_000, jkm: 6_800 } as const;
export const BPJSTK_MONTHLY_TOTAL = BPJSTK_MONTHLY.jht + BPJSTK_MONTHLY.jkk + BPJSTK_MONTHLY.jkm;
export const BPJS_DENDA_BASE = 108_810;

/** Numbers ending in this get a name full of HTML metacharacters, for escaping tests. */
export const HTML_NAME_SUFFIX = "0999";
export const HTML_TRICKY_NAME = 'SITI <B>&AMP; "ANI"';

const NAMES = [
  "ONI SAPUTRA PRATAMA",
  "EKO SUPRAPTO",
  "DWI TAMARA ANGGITA",
  "SRI WAHYUNINGSIH",
  "BUDI SANTOSO",
  "RISKA AN DZUHRI",
  "AHMAD FAUZI",
  "NUR AINI",
  "I KADEK DARMAWAN",
  "MUHAMMAD RIZKY",
  "DEWI LESTARI",
  "YOHANES SIMANJUNTAK",
] as const;

const BRANCHES = [
  { code: "0101", name: "BANDA ACEH" },
  { code: "0901", name: "JAKARTA PUSAT" },
  { code: "0902", name: "JAKARTA SELATAN" },
  { code: "1101", name: "BANDUNG" },
  { code: "1301", name: "SEMARANG" },
  { code: "1401", name: "SURABAYA" },
  { code: "1601", name: "DENPASAR" },
  { code: "2001", name: "MAKASSAR" },
] as const;

const TK_OFFICES = ["JAKARTA SALEMBA", "BANDUNG SUCI", "SURABAYA KAREBET", "MEDAN KOTA", "MAKASSAR"] as const;

const COMPANIES = ["RESKA MULTI USAHA PT PUSAT", "PT MAJU BERSAMA ABADI", "CV SUMBER REJEKI", "KOPERASI KARYA MANDIRI"] as const;

function hashOf(customerNumber: string): number {
  return createHash("sha256").update(customerNumber).digest().readUInt32BE(0);
}

function pick<T>(list: readonly T[], h: number): T {
  const item = list[h % list.length];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

export function customerName(customerNumber: string): string {
  if (customerNumber.endsWith(HTML_NAME_SUFFIX)) return HTML_TRICKY_NAME;
  return pick(NAMES, hashOf(customerNumber));
}

/** BPJSDENDA's own masking (`RIS** A* DZUH**`): each word hides its last two letters, keeping one at least. */
export function providerMask(name: string): string {
  return name
    .split(" ")
    .map((word) => {
      const keep = Math.max(1, word.length - 2);
      return word.slice(0, keep) + "*".repeat(word.length - keep);
    })
    .join(" ");
}

function participants(h: number): number {
  return 1 + (h % 4);
}

function branchOf(h: number): (typeof BRANCHES)[number] {
  // Shifted so the branch does not move in lockstep with the participant count.
  return pick(BRANCHES, h >>> 8);
}

/** d-m-Y of the first day of the WIB month `offset` months after that of `now`. */
function monthStart(now: number, offset: number): string {
  const [y, m] = wibDate(startOfWibMonth(now)).split("-").map(Number);
  const d = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1 + offset, 1));
  const p = (n: number) => String(n).padStart(2, "0");
  return `01-${p(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
}

const DESC_VALUE = z.union([z.string(), z.number()]);

/** The bill part of an IAK inquiry answer; stored as JSON so pay and checkstatus echo it exactly. */
export const IAK_BILL = z.object({
  tr_name: z.string(),
  period: z.string(),
  nominal: z.number(),
  admin: z.number(),
  price: z.number(),
  selling_price: z.number(),
  desc: z.record(z.string(), DESC_VALUE),
});
export type IakBill = z.infer<typeof IAK_BILL>;

function priced(fields: Omit<IakBill, "price" | "selling_price">): IakBill {
  const price = fields.nominal + fields.admin;
  return { ...fields, price, selling_price: price - IAK_COMMISSION };
}

/** `months` is ignored for BPJSDENDA, which has no month choice. */
export function iakBill(code: IakCode, customerNumber: string, months: number, now: number): IakBill {
  const h = hashOf(customerNumber);
  const name = customerName(customerNumber);
  const branch = branchOf(h);
  switch (code) {
    case "BPJS": {
      const people = participants(h);
      return priced({
        tr_name: name,
        period: String(months).padStart(2, "0"),
        nominal: BPJS_KESEHATAN_MONTHLY * people * months,
        admin: ADMIN_FEE * months,
        desc: {
          kode_cabang: branch.code,
          nama_cabang: branch.name,
          sisa_pembayaran: "0",
          jumlah_peserta: String(people),
        },
      });
    }
    case "BPJSTK":
      return priced({
        tr_name: name,
        period: String(months),
        nominal: BPJSTK_MONTHLY_TOTAL * months,
        admin: ADMIN_FEE,
        desc: {
          kode_iuran: "",
          kode_program: "JKK,JKM,JHT",
          // Per month, as IAK shows them: they add up to nominal / months.
          jht: BPJSTK_MONTHLY.jht,
          jkk: BPJSTK_MONTHLY.jkk,
          jkm: BPJSTK_MONTHLY.jkm,
          kantor_cabang: pick(TK_OFFICES, h >>> 4),
          tgl_efektif: monthStart(now, 0),
          tgl_expired: monthStart(now, months),
        },
      });
    case "BPJSDENDA":
      return priced({
        tr_name: providerMask(name),
        period: "0,1",
        nominal: BPJS_DENDA_BASE + (h % 4) * 2_500,
        admin: ADMIN_FEE,
        desc: {
          nama_badan_usaha: pick(COMPANIES, h >>> 12),
          kode_cabang: branch.code,
          nama_cabang: branch.name,
          sisa_pembayaran: "0",
          // A number here, unlike BPJS's string: that is how the provider's example has it.
          jumlah_peserta: participants(h),
        },
      });
  }
}

/** Espay's BPJSKS data object (rupiah, one month: Espay serves a single month). */
export const ESPAY_DATA = z.object({
  va_number: z.string(),
  customer_id: z.string(),
  customer_name: z.string(),
  family_number: z.string(),
  bill_period: z.string(),
  bill_amount: z.number(),
  admin_fee: z.number(),
  amount: z.number(),
  remain_payment: z.number(),
  reff_code: z.string(),
  branch_code: z.string(),
  branch_name: z.string(),
  remark: z.string(),
});

/**
 * The bill part of an Espay inquiry answer; top-level amounts are rupiah × 100 as strings
 * (docs/providers.md#espay-amounts).
 */
export const ESPAY_BILL = z.object({
  amount: z.string(),
  bill_amount: z.string(),
  admin_fee: z.string(),
  description: z.string(),
  data: ESPAY_DATA,
});
export type EspayBill = z.infer<typeof ESPAY_BILL>;

/** 32 random digits: unique per inquiry, and the key a payment's `data` carries back. */
function newReffCode(): string {
  let code = "";
  for (let i = 0; i < 4; i += 1) code += String(randomInt(0, 100_000_000)).padStart(8, "0");
  return code;
}

export function espayBill(customerNumber: string): EspayBill {
  const h = hashOf(customerNumber);
  const people = participants(h);
  const branch = branchOf(h);
  const bill = BPJS_KESEHATAN_MONTHLY * people;
  const total = bill + ADMIN_FEE;
  return {
    amount: String(total * 100),
    bill_amount: String(bill * 100),
    admin_fee: String(ADMIN_FEE * 100),
    description: "BPJS KESEHATAN",
    data: {
      va_number: customerNumber,
      customer_id: customerNumber,
      customer_name: customerName(customerNumber),
      family_number: String(people),
      bill_period: "1",
      bill_amount: bill,
      admin_fee: ADMIN_FEE,
      amount: total,
      remain_payment: 0,
      reff_code: newReffCode(),
      branch_code: branch.code,
      branch_name: branch.name,
      remark: "",
    },
  };
}

/** What an Espay payment takes from the operator's deposit: the total, admin included. */
export function espayTotal(bill: EspayBill): number {
  return bill.data.amount;
}
