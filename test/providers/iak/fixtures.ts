/*
 * IAK postpaid answers, named after the sandbox scenarios of docs/providers.md#iak-sandbox-numbers (newer scheme: the last
 * four digits are a phase digit, 0 = inquiry and 1 = payment, then the RC). BPJSDENDA has no numbers in
 * the newer scheme, so its fixtures use the PR #40 / SEED-4 ones. Shapes follow the docs' JSON examples.
 */

export const REF = "ORD20250101A1";
export const TR_ID = 9732787;

type Data = Record<string, unknown>;

export function envelope(data: Data): { data: Data; meta: unknown[] } {
  return { data, meta: [] };
}

/** What IAK sends on a refused inquiry: the code and message, with empty bill fields around them. */
export function refusal(rc: string, message: string, extra: Data = {}): { data: Data; meta: unknown[] } {
  return envelope({
    tr_id: "",
    code: "BPJS",
    hp: "8801234560000",
    tr_name: "",
    period: "",
    nominal: 0,
    admin: 0,
    ref_id: REF,
    response_code: rc,
    message,
    price: 0,
    selling_price: 0,
    desc: "",
    ...extra,
  });
}

export const inquiry = {
  "8801234560000 success": envelope({
    tr_id: TR_ID,
    code: "BPJS",
    hp: "8801234560000",
    tr_name: "VERGIE",
    period: "02",
    nominal: 50000,
    admin: 2500,
    ref_id: REF,
    response_code: "00",
    message: "INQUIRY SUCCESS",
    price: 52500,
    selling_price: 52300,
    desc: { kode_cabang: "0901", nama_cabang: "JAKARTA PUSAT", sisa_pembayaran: "0", jumlah_peserta: "2" },
  }),
  /** The same bill with every documented type drift at once. */
  "8801234560000 success, drifted types": envelope({
    tr_id: String(TR_ID),
    code: "BPJS",
    hp: "8801234560000",
    tr_name: "VERGIE",
    period: 2,
    nominal: "50000",
    admin: "2500",
    ref_id: REF,
    response_code: "00",
    message: "INQUIRY SUCCESS",
    price: "52500.00",
    selling_price: "52300",
    desc: "",
  }),
  "8801234560000 success, fractional nominal": envelope({
    tr_id: TR_ID,
    code: "BPJS",
    hp: "8801234560000",
    tr_name: "VERGIE",
    period: "02",
    nominal: 50000.5,
    admin: 2500,
    ref_id: REF,
    response_code: "00",
    message: "INQUIRY SUCCESS",
    price: 52500.5,
    selling_price: 52300,
    desc: { nama_cabang: "JAKARTA PUSAT", jumlah_peserta: "2" },
  }),
  "8102051011270000 success": envelope({
    tr_id: 219342820,
    code: "BPJSTK",
    hp: "8102051011270000",
    tr_name: "DWI TAMARA ANGGITA",
    period: "1",
    nominal: 16800,
    admin: 3500,
    ref_id: REF,
    response_code: "00",
    message: "INQUIRY SUCCESS",
    price: 20300,
    selling_price: 17800,
    desc: {
      kode_iuran: "",
      kode_program: "JKK,JKM",
      jht: 0,
      jkk: 10000,
      jkm: 6800,
      kantor_cabang: "JAKARTA SALEMBA",
      tgl_efektif: "2022-05-11 05:29:52",
      tgl_expired: "2026-09-10 00:00:00",
    },
  }),
  "099994301101 success": envelope({
    tr_id: 239356798,
    code: "BPJSDENDA",
    hp: "099994301101",
    tr_name: "RIS** A* DZUH**",
    period: "0,1",
    nominal: 108810,
    admin: 2500,
    ref_id: REF,
    response_code: "00",
    message: "INQUIRY SUCCESS",
    price: 111310,
    selling_price: 110160,
    desc: {
      nama_badan_usaha: "RESKA MULTI USAHA PT PUSAT",
      kode_cabang: "",
      nama_cabang: "",
      sisa_pembayaran: "",
      jumlah_peserta: 1,
    },
  }),
  "8801234560001 invoice has been paid": refusal("01", "INVOICE HAS BEEN PAID", { hp: "8801234560001" }),
  "8801234560014 incorrect destination number": refusal("14", "INCORRECT DESTINATION NUMBER", { hp: "8801234560014" }),
  "8801234560010 bill is not available": refusal("10", "BILL IS NOT AVAILABLE", { hp: "8801234560010" }),
  "8801234560103 time out": refusal("103", "TIMEOUT", { hp: "8801234560103" }),
} as const;

export const pay = {
  "8801234560000 success": envelope({
    tr_id: TR_ID,
    code: "BPJS",
    datetime: "20180803170750",
    hp: "8801234560000",
    tr_name: "VERGIE",
    period: "02",
    nominal: 50000,
    admin: 2500,
    response_code: "00",
    message: "PAYMENT SUCCESS",
    price: 52500,
    selling_price: 52300,
    balance: 999490800,
    noref: "148732328035714773",
    ref_id: REF,
    desc: { kode_cabang: "0901", nama_cabang: "JAKARTA PUSAT", sisa_pembayaran: "0", jumlah_peserta: "2" },
  }),
  "8801234561037 payment failed": refusal("37", "PEMBAYARAN GAGAL", { tr_id: TR_ID, hp: "8801234561037" }),
  "8801234561039 pending": refusal("39", "PENDING / TRANSAKSI SEDANG DIPROSES", { tr_id: TR_ID, hp: "8801234561039" }),
  "8801234561105 misc error / biller system error": refusal("105", "MISC ERROR / BILLER SYSTEM ERROR", {
    tr_id: TR_ID,
    hp: "8801234561105",
  }),
} as const;

/** Check-status answers, after the IAK-GH check-status examples, for the BPJS sandbox numbers. */
export const status = {
  "8801234560000 payment success (status 1)": envelope({
    ...pay["8801234560000 success"].data,
    status: 1,
  }),
  "8801234561037 payment failed (status 2)": envelope({
    ...pay["8801234561037 payment failed"].data,
    datetime: "20210316174828",
    noref: "",
    status: 2,
  }),
  "8801234560000 payment request not received (status 0)": envelope({
    tr_id: TR_ID,
    code: "BPJS",
    hp: "8801234560000",
    tr_name: "VERGIE",
    period: "02",
    nominal: 50000,
    admin: 2500,
    ref_id: REF,
    status: 0,
    response_code: "42",
    message: "REQUEST PEMBAYARAN BELUM DITERIMA",
    price: 52500,
    selling_price: 52300,
    balance: 999490800,
    desc: "",
  }),
  "8801234561039 payment in process (status 3)": envelope({
    tr_id: TR_ID,
    code: "BPJS",
    hp: "8801234561039",
    tr_name: "VERGIE",
    period: "02",
    nominal: 50000,
    admin: 2500,
    ref_id: REF,
    status: 3,
    response_code: "39",
    message: "PENDING / TRANSAKSI SEDANG DIPROSES",
    price: 52500,
    selling_price: 52300,
    balance: 999490800,
    desc: "",
  }),
} as const;

export const priceList = {
  "type bpjs": envelope({
    pasca: [
      { code: "BPJS", name: "BPJS Kesehatan", status: 1, fee: 2500, komisi: 200, type: "bpjs", category: "bpjs" },
      { code: "BPJSTK", name: "BPJS Ketenagakerjaan", status: "1", fee: "3500", komisi: 1000, type: "bpjs" },
      { code: "BPJSDENDA", name: "BPJS Denda", status: 4, fee: 2500, komisi: 1150, type: "bpjs" },
    ],
  }),
} as const;
