import type { ProductId } from "../domain/products.ts";

/**
 * The one port every payment provider implements (IAK, Espay; the simulator speaks their protocols).
 * Outcomes are values; transport faults are folded into outcomes here so callers never guess.
 * Every amount is integer rupiah.
 */

export type ProviderName = "iak" | "espay" | "simulator";

/** Why a provider refused. The engine turns these into localized words. */
export type RejectReason =
  | "already_paid"
  | "wrong_number"
  | "no_bill"
  | "expired"
  | "duplicate_ref"
  | "product_unavailable"
  | "operator_deposit_low"
  | "blocked"
  | "must_pay_all_periods"
  | "pay_at_counter"
  | "config_error"
  | "provider_error"
  | "failed";

/** Provider-side faults: an inquiry failing for one of these moves on to the next provider. */
export type FaultReason = "timeout" | "network" | "http_status" | "bad_body" | "maintenance";

export interface InquiryRequest {
  /** Our own reference: alphanumeric, unique; IAK's ref_id. */
  ref: string;
  product: ProductId;
  customerNumber: string;
  /** Months to pay; absent for products without a month choice (Denda). */
  months?: number;
}

export interface Bill {
  /** Customer name as the provider returned it (may already be masked by the provider). */
  name: string;
  period: string;
  branch?: string;
  participants?: string;
  /** The bill itself (IAK `nominal`). */
  amount: number;
  /** The provider's admin fee (IAK `admin`). */
  adminFee: number;
  /** amount + adminFee: what the provider will charge the payer side (IAK `price`). */
  price: number;
  /** What the provider deducts from the operator's deposit, when known (IAK `selling_price`). */
  providerCost?: number;
  /**
   * Everything pay and status need later, opaque to the engine and stored on the transaction row
   * (IAK: tr_id; Espay: the inquiry's amount string and data object).
   */
  payToken: string;
  /** Provider's own inquiry id (IAK tr_id), for display and support. */
  providerTrId?: string;
}

export type InquiryOutcome =
  | { status: "success"; bill: Bill }
  | { status: "rejected"; reason: RejectReason; code?: string; message?: string }
  /** The provider could not answer: try the next capable provider. */
  | { status: "unavailable"; fault: FaultReason; code?: string; message?: string };

export interface PayRequest {
  ref: string;
  product: ProductId;
  customerNumber: string;
  months?: number;
  payToken: string;
}

export interface Receipt {
  /** Provider / biller reference (IAK noref, Espay recon_ref). */
  providerRef?: string;
  /** Provider's date-time of the payment as given (IAK YmdHis), opaque. */
  providerTime?: string;
  /** The price the provider actually charged (nominal + admin). */
  price?: number;
  providerCost?: number;
  /** Remaining operator deposit at the provider, for low-deposit alerts. */
  depositBalance?: number;
  /** The biller's own receipt note (e.g. BPJS Kesehatan's "struk ini sebagai bukti…"). */
  note?: string;
  name?: string;
  period?: string;
}

export type PayOutcome =
  | { status: "success"; receipt: Receipt; statusKey?: string }
  /** Clearly refused before any money moved: final. */
  | { status: "rejected"; reason: RejectReason; code?: string; message?: string }
  /**
   * Anything else: in process, ambiguous, or lost. The reconciler resolves it with `status()`.
   * `statusKey` is what status needs; null when none could be learnt (e.g. an Espay pay whose
   * response, carrying its ref_id, was lost) — such a payment goes to manual review.
   */
  | { status: "pending"; statusKey: string | null; code?: string; message?: string; fault?: FaultReason };

export type StatusOutcome =
  | { status: "success"; receipt: Receipt }
  | { status: "failed"; reason: RejectReason; code?: string; message?: string }
  /** The provider says it never received the pay request (IAK status 0 / RC 42). */
  | { status: "not_received" }
  | { status: "pending"; code?: string; message?: string; fault?: FaultReason };

export interface StatusRequest {
  ref: string;
  product: ProductId;
  customerNumber: string;
  statusKey: string;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** Whether this provider can serve (product, months). months is undefined for Denda. */
  supports(product: ProductId, months: number | undefined): boolean;
  inquire(req: InquiryRequest): Promise<InquiryOutcome>;
  /** Called at most once per inquiry, ever. Never retried by the client. */
  pay(req: PayRequest): Promise<PayOutcome>;
  status(req: StatusRequest): Promise<StatusOutcome>;
  /** The status key known before paying (IAK: our ref), or null if only the pay response gives one. */
  statusKeyBeforePay(ref: string): string | null;
  /** How long a pay request may take before it is abandoned, for the reconciler's "never received" grace. */
  readonly payTimeoutMs: number;
  close(): Promise<void>;
}
