import type { ChargeRequest, TopupMethod } from "../port.ts";
import { midtransOrderTime } from "./date-time.ts";
import type { ChargeBody } from "./schemas.ts";

const MINUTE_MS = 60_000;

const BANK_OF: Readonly<Record<Exclude<TopupMethod, "qris">, NonNullable<ChargeBody["bank_transfer"]>["bank"]>> = {
  bca_va: "bca",
  bni_va: "bni",
  bri_va: "bri",
  // Three Permata shapes appear in Midtrans' sources; this is the one of its custom-VA section
  // (docs/gateway.md#va-charge). The number comes back as permata_va_number.
  permata_va: "permata",
};

/**
 * The charge body for one order. The expiry is whole minutes counted from an order_time set so
 * that order_time + duration is our own expiry to the second (order_time may be up to a minute
 * before now): the gateway then never stops the order before we do, nor a minute after
 * (docs/gateway.md#expiry). Midtrans' own expiry is lax anyway; we cancel at our deadline.
 */
export function chargeBody(req: ChargeRequest, now: number): ChargeBody {
  const minutes = Math.max(1, Math.ceil((req.expiresAt - now) / MINUTE_MS));
  const orderTime = Math.ceil(req.expiresAt / 1000) * 1000 - minutes * MINUTE_MS;
  const body: ChargeBody = {
    payment_type: req.method === "qris" ? "qris" : "bank_transfer",
    transaction_details: { order_id: req.orderId, gross_amount: req.amount },
    custom_expiry: { order_time: midtransOrderTime(orderTime), expiry_duration: minutes, unit: "minute" },
  };
  if (req.method !== "qris") body.bank_transfer = { bank: BANK_OF[req.method] };
  return body;
}

export function bankOf(method: Exclude<TopupMethod, "qris">): string {
  return BANK_OF[method];
}
