/**
 * The payment-gateway port (docs/gateway.md): what Loket needs from a gateway to let a payer fund
 * their balance — a QRIS or virtual-account charge, the order's status, the check of a
 * notification's signature, a cancel. Midtrans Core API is the first implementation
 * (gateway/midtrans/); the simulator speaks the same protocol; Xendit or Tripay could fill it later.
 * Outcomes are values; transport faults are folded into them. Every amount is integer rupiah.
 */

/** How a payer pays an order: QRIS (any bank or e-wallet app) or a bank's virtual account. */
export type TopupMethod = "qris" | "bca_va" | "bni_va" | "bri_va" | "permata_va";
export const TOPUP_METHODS: readonly TopupMethod[] = ["qris", "bca_va", "bni_va", "bri_va", "permata_va"];

export interface ChargeRequest {
  /** Our own order id: unique, at most 50 characters of [A-Za-z0-9-_~.] (Midtrans' rule). */
  orderId: string;
  /** Integer rupiah, exactly what the payer pays (no fee is added: docs/gateway.md). */
  amount: number;
  method: TopupMethod;
  /** When the order stops being payable (the gateway is asked for this expiry). */
  expiresAt: number;
}

export type ChargeOutcome =
  | {
      status: "created";
      /** The gateway's own id for the transaction (Midtrans transaction_id). */
      gatewayId: string;
      /** What the payer scans (QRIS) — the raw EMV payload, drawn as a QR by each transport. */
      qrPayload?: string;
      /**
       * The gateway's own picture of the same QR (Midtrans' generate-qr-code action), when it gave
       * one. Only from the charge answer: no later call returns it (docs/gateway.md#qris-charge).
       */
      qrUrl?: string;
      /** What the payer transfers to (a VA): the bank and the number. */
      va?: { bank: string; number: string };
    }
  /** The gateway refused the charge (method not activated, bad amount, …): nothing to pay. */
  | { status: "refused"; code?: string; message?: string }
  /** No clear answer (timeout, 5xx, bad body): the order may or may not exist at the gateway. */
  | { status: "unknown"; message?: string };

/** An order's state as the gateway reports it, normalised (docs/gateway.md#statuses). */
export type GatewayOrderState =
  | "pending"
  /** Paid: money received (Midtrans settlement, or capture with fraud_status accept). */
  | "paid"
  | "expired"
  | "cancelled"
  /** Rejected or failed at the gateway or bank (deny, failure). */
  | "failed"
  /** Paid and then given back or charged back. */
  | "refunded"
  /** The gateway has no such order. */
  | "not_found";

export type StatusOutcome =
  | {
      status: "known";
      state: GatewayOrderState;
      orderId: string;
      /**
       * Integer rupiah as the gateway reports it. With Midtrans' fee imposition it includes the
       * payer's fee, so it is compared with the order, never trusted as the credit (docs/gateway.md#pitfalls).
       */
      grossAmount?: number;
      gatewayId?: string;
      /** When the gateway settled it, ISO 8601 with the +07:00 offset (Midtrans settlement_time is WIB). */
      paidAt?: string;
    }
  /** No clear answer: ask again later. */
  | { status: "unknown"; message?: string };

export interface PaymentGateway {
  readonly name: "midtrans" | "simulator";
  charge(req: ChargeRequest): Promise<ChargeOutcome>;
  status(orderId: string): Promise<StatusOutcome>;
  /**
   * Whether a notification body (parsed JSON) carries a valid signature for this gateway's key,
   * checked in constant time. A valid signature is not yet a payment: the status API confirms it.
   */
  verifyNotification(body: unknown): { valid: true; orderId: string } | { valid: false };
  /**
   * Asks the gateway to stop an order still pending (expired locally, or replaced). "not_pending":
   * the gateway would not (already paid, expired, cancelled, or unknown to it) — read its status
   * next, and credit a payment that beat the cancel.
   */
  cancel(orderId: string): Promise<"cancelled" | "not_pending" | "unknown">;
  close(): Promise<void>;
}
