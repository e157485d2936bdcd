import type { TxRow } from "../../db/transactions-repo.ts";
import type { RejectReason } from "../../providers/port.ts";

/** Who learnt a payment's outcome: the pay call itself, the reconciler, a person, the CLI. */
export type SettledBy = "pay" | "reconciler" | `admin:${string}` | "cli";

/**
 * What the money service tells the rest of the bot, as facts (docs/architecture.md). Each is called
 * inside the transaction that made the fact true, so whatever a listener writes (a notice in the
 * outbox) exists exactly when the fact does. One module turns them into words: settlement-notices.ts.
 */
export interface PaymentEvents {
  /** The confirm committed: the balance is held and the one pay request is about to leave. */
  started(tx: TxRow): void;
  paid(tx: TxRow, by: SettledBy): void;
  /** Failed and refunded (`refund` rupiah back to the payer's balance). */
  failed(tx: TxRow, by: SettledBy, refund: number): void;
  /** The provider has not said yet; the reconciler asks. */
  pending(tx: TxRow): void;
  /** Nobody can tell automatically: a person must look (`tx.review_reason` says why). */
  needsReview(tx: TxRow): void;
  /** A settled payment was claimed the other way (an admin's verdict, then the provider's). */
  conflict(tx: TxRow, claimed: "paid" | "failed", by: SettledBy): void;
  /** The provider charged another price than inquired; `refunded` went back to the payer. */
  priceDrift(tx: TxRow, paidPrice: number, refunded: number): void;
  /** The provider's deposit fell below the alert threshold. */
  lowDeposit(balance: number): void;
  /** The operator's account was refused (configuration, deposit): payers only see "unavailable". */
  accountRefused(reason: Extract<RejectReason, "config_error" | "operator_deposit_low">, at: "inquiry" | "pay", tx: TxRow): void;
}
