/**
 * Midtrans' rule for `transaction_details.order_id` (docs/gateway.md#order-ids): at most 50
 * characters, letters, digits and `-` `_` `~` `.` only. "." and ".." are refused as well: they are
 * dot segments, and a URL holding `/v2/../status` would be rewritten before it leaves.
 */
const ORDER_ID = /^[A-Za-z0-9\-_~.]{1,50}$/;

export const MAX_ORDER_ID_LENGTH = 50;

export function isGatewayOrderId(id: string): boolean {
  return ORDER_ID.test(id) && id !== "." && id !== "..";
}
