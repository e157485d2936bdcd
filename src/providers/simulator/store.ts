import Database from "better-sqlite3";
import { z } from "zod";

/**
 * The simulator's own SQLite file: one row per inquiry with its (single) payment inline, the
 * operator deposit, and every Espay rq_uuid seen. It lives apart from the bot's database so what the
 * "provider" knows survives the bot being killed, which is what the soak and restart tests lean on.
 */

export type Protocol = "iak" | "espay";
export type PayStatus = "none" | "pending" | "success" | "failed";
export type FailReason = "failed" | "biller_error";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sim_state (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sim_inquiries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  protocol TEXT NOT NULL CHECK (protocol IN ('iak', 'espay')),
  ref TEXT NOT NULL,
  product_code TEXT NOT NULL,
  customer_number TEXT NOT NULL,
  months INTEGER,
  inquiry_rc TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  bill_json TEXT,
  reff_code TEXT UNIQUE,
  pay_scenario TEXT NOT NULL,
  cost INTEGER NOT NULL DEFAULT 0,
  pay_count INTEGER NOT NULL DEFAULT 0,
  pay_status TEXT NOT NULL DEFAULT 'none' CHECK (pay_status IN ('none', 'pending', 'success', 'failed')),
  fail_reason TEXT,
  paid_at INTEGER,
  settled_at INTEGER,
  noref TEXT,
  pay_ref TEXT UNIQUE,
  balance_after INTEGER,
  UNIQUE (protocol, ref)
);
CREATE INDEX IF NOT EXISTS sim_inquiries_by_number ON sim_inquiries (protocol, customer_number, id);
CREATE INDEX IF NOT EXISTS sim_inquiries_paid ON sim_inquiries (pay_count) WHERE pay_count > 0;
CREATE INDEX IF NOT EXISTS sim_inquiries_pending ON sim_inquiries (paid_at) WHERE pay_status = 'pending';
CREATE TABLE IF NOT EXISTS sim_espay_uuids (
  rq_uuid TEXT PRIMARY KEY,
  seen_at INTEGER NOT NULL
);
`;

/** A row as SQLite gives it back. Its enums are written by this file alone (protocol and pay_status are also CHECKed). */
interface RawRow {
  id: number;
  protocol: Protocol;
  ref: string;
  product_code: string;
  customer_number: string;
  months: number | null;
  inquiry_rc: string;
  created_at: number;
  bill_json: string | null;
  reff_code: string | null;
  pay_scenario: "success" | "failed" | "pending" | "biller_error";
  cost: number;
  pay_count: number;
  pay_status: PayStatus;
  fail_reason: FailReason | null;
  paid_at: number | null;
  settled_at: number | null;
  noref: string | null;
  pay_ref: string | null;
  balance_after: number | null;
}

// A plain mapping, not a schema: the rows are the simulator's own, written only through this
// file's typed statements, and a parse per request was a tenth of the simulator's time under the
// benchmark's load (where it stands in for a provider that costs the bot nothing).
function toRow(r: RawRow) {
  return {
    id: r.id,
    protocol: r.protocol,
    ref: r.ref,
    productCode: r.product_code,
    customerNumber: r.customer_number,
    months: r.months,
    inquiryRc: r.inquiry_rc,
    createdAt: r.created_at,
    billJson: r.bill_json,
    reffCode: r.reff_code,
    payScenario: r.pay_scenario,
    cost: r.cost,
    payCount: r.pay_count,
    payStatus: r.pay_status,
    failReason: r.fail_reason,
    paidAt: r.paid_at,
    settledAt: r.settled_at,
    noref: r.noref,
    payRef: r.pay_ref,
    balanceAfter: r.balance_after,
  };
}

export type InquiryRow = ReturnType<typeof toRow>;

export type NewInquiry = Pick<
  InquiryRow,
  "protocol" | "ref" | "productCode" | "customerNumber" | "months" | "inquiryRc" | "createdAt" | "billJson" | "reffCode" | "payScenario" | "cost"
>;

/** The payment columns, written back whole after each pay or settlement. */
export type PaymentState = Pick<InquiryRow, "payCount" | "payStatus" | "failReason" | "paidAt" | "settledAt" | "noref" | "payRef" | "balanceAfter">;

export interface SimStore {
  /** Runs fn in a BEGIN IMMEDIATE transaction: another process on the same file cannot interleave. */
  transaction<T>(fn: () => T): T;
  insertInquiry(inquiry: NewInquiry): InquiryRow;
  byId(id: number): InquiryRow | undefined;
  byRef(protocol: Protocol, ref: string): InquiryRow | undefined;
  byReffCode(reffCode: string): InquiryRow | undefined;
  byPayRef(payRef: string): InquiryRow | undefined;
  latestEspayFor(customerNumber: string): InquiryRow | undefined;
  savePayment(id: number, state: PaymentState): void;
  paidAtLeastOnce(): InquiryRow[];
  pendingPaidBefore(cutoff: number): InquiryRow[];
  deposit(): number;
  setDeposit(rupiah: number): void;
  /** False when the uuid was seen before (Espay answers 210). */
  rememberUuid(rqUuid: string, at: number): boolean;
  close(): void;
}

function parseRow(raw: RawRow | undefined): InquiryRow | undefined {
  return raw === undefined ? undefined : toRow(raw);
}

export function openSimStore(dbPath: string, initialDeposit: number): SimStore {
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  // NORMAL is durable against the simulator being killed (WAL); only a machine crash could lose the
  // last commits, which no test here simulates.
  db.pragma("synchronous = NORMAL");
  db.exec(SCHEMA);
  // Only the first open funds the deposit: a restart keeps whatever was spent.
  db.prepare("INSERT OR IGNORE INTO sim_state (key, value) VALUES ('deposit', ?)").run(initialDeposit);

  const insert = db.prepare(
    `INSERT INTO sim_inquiries
       (protocol, ref, product_code, customer_number, months, inquiry_rc, created_at, bill_json, reff_code, pay_scenario, cost)
     VALUES (@protocol, @ref, @productCode, @customerNumber, @months, @inquiryRc, @createdAt, @billJson, @reffCode, @payScenario, @cost)`,
  );
  const selectById = db.prepare<unknown[], RawRow>("SELECT * FROM sim_inquiries WHERE id = ?");
  const selectByRef = db.prepare<unknown[], RawRow>("SELECT * FROM sim_inquiries WHERE protocol = ? AND ref = ?");
  const selectByReffCode = db.prepare<unknown[], RawRow>("SELECT * FROM sim_inquiries WHERE reff_code = ?");
  const selectByPayRef = db.prepare<unknown[], RawRow>("SELECT * FROM sim_inquiries WHERE pay_ref = ?");
  const selectLatestEspay = db.prepare<unknown[], RawRow>(
    "SELECT * FROM sim_inquiries WHERE protocol = 'espay' AND customer_number = ? ORDER BY id DESC LIMIT 1",
  );
  const updatePayment = db.prepare(
    `UPDATE sim_inquiries SET pay_count = @payCount, pay_status = @payStatus, fail_reason = @failReason,
       paid_at = @paidAt, settled_at = @settledAt, noref = @noref, pay_ref = @payRef, balance_after = @balanceAfter
     WHERE id = @id`,
  );
  const selectPaid = db.prepare<unknown[], RawRow>("SELECT * FROM sim_inquiries WHERE pay_count > 0 ORDER BY id");
  const selectDue = db.prepare<unknown[], RawRow>("SELECT * FROM sim_inquiries WHERE pay_status = 'pending' AND paid_at <= ? ORDER BY id");
  const selectDeposit = db.prepare("SELECT value FROM sim_state WHERE key = 'deposit'");
  const updateDeposit = db.prepare("UPDATE sim_state SET value = ? WHERE key = 'deposit'");
  const insertUuid = db.prepare("INSERT OR IGNORE INTO sim_espay_uuids (rq_uuid, seen_at) VALUES (?, ?)");
  const depositRow = z.object({ value: z.number().int() });

  // One transaction function for every request: better-sqlite3 builds its wrappers per call of db.transaction.
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  const store: SimStore = {
    transaction: <T>(fn: () => T) => inTransaction.immediate(fn) as T,
    insertInquiry(inquiry) {
      const id = Number(insert.run(inquiry).lastInsertRowid);
      const row = store.byId(id);
      if (row === undefined) throw new Error(`inquiry ${id} vanished after insert`);
      return row;
    },
    byId: (id) => parseRow(selectById.get(id)),
    byRef: (protocol, ref) => parseRow(selectByRef.get(protocol, ref)),
    byReffCode: (reffCode) => parseRow(selectByReffCode.get(reffCode)),
    byPayRef: (payRef) => parseRow(selectByPayRef.get(payRef)),
    latestEspayFor: (customerNumber) => parseRow(selectLatestEspay.get(customerNumber)),
    savePayment: (id, state) => {
      updatePayment.run({ id, ...state });
    },
    paidAtLeastOnce: () => selectPaid.all().map(toRow),
    pendingPaidBefore: (cutoff) => selectDue.all(cutoff).map(toRow),
    deposit: () => depositRow.parse(selectDeposit.get()).value,
    setDeposit: (rupiah) => {
      updateDeposit.run(rupiah);
    },
    rememberUuid: (rqUuid, at) => insertUuid.run(rqUuid, at).changes === 1,
    close: () => db.close(),
  };
  return store;
}
