import type { GatewayOrderState } from "../port.ts";

/**
 * Midtrans `transaction_status` (+ `fraud_status`) → our normalised state
 * (docs/gateway.md#statuses). `status_code` says how the API call went, not what the order is: the
 * state is read from `transaction_status` only. null means "not understood": the caller answers
 * unknown and asks again later, never guesses "paid".
 */
export function orderStateOf(transactionStatus: string | undefined, fraudStatus: string | undefined): GatewayOrderState | null {
  const status = transactionStatus?.trim().toLowerCase() ?? "";
  const fraud = fraudStatus?.trim().toLowerCase() ?? "";
  switch (status) {
    case "pending":
    case "authorize":
      return "pending";
    case "settlement":
      // Success needs fraud_status accept when it is present; low-risk methods may omit it.
      return fraud === "" ? "paid" : fraudVerdict(fraud);
    case "capture":
      // Card only; a capture is paid only once fraud detection said accept.
      return fraud === "" ? "pending" : fraudVerdict(fraud);
    case "expire":
      return "expired";
    case "cancel":
      return "cancelled";
    case "deny":
    case "failure":
      return "failed";
    case "refund":
    case "partial_refund":
    case "chargeback":
    case "partial_chargeback":
      return "refunded";
    default:
      return null;
  }
}

function fraudVerdict(fraud: string): GatewayOrderState | null {
  switch (fraud) {
    case "accept":
      return "paid";
    case "challenge":
      return "pending";
    case "deny":
      return "failed";
    default:
      return null;
  }
}

/** Midtrans' API-call codes the client acts on (docs/gateway.md#status-codes). */
export const MIDTRANS_CODE = {
  ok: "200",
  created: "201",
  notFound: "404",
  duplicateOrder: "406",
  expired: "407",
  cannotModify: "412",
} as const;
