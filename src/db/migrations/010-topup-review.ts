/**
 * What a review of gateway top-ups found missing (docs/topups.md): columns and indexes only, the
 * tables of 006 are left as they were.
 */
export const topupReviewMigration = {
  version: 10,
  name: "topup-review",
  sql: `
-- An order under review that the gateway later reports paid: the admins are told once, with the amount.
ALTER TABLE topup_orders ADD COLUMN review_paid_at INTEGER;
ALTER TABLE topup_orders ADD COLUMN review_paid_amount INTEGER;

-- A notification is the same one when the fields that matter are (docs/topups.md#notifications):
-- other bytes (spacing, an added field) do not make it new. Rows written before this have neither.
ALTER TABLE gateway_notifications ADD COLUMN fields_hash TEXT;
-- Midtrans signs order_id + status_code + gross_amount: a signature not seen before for the order is
-- a status the gateway itself reported, confirmed at once.
ALTER TABLE gateway_notifications ADD COLUMN signature_key TEXT;
CREATE UNIQUE INDEX gateway_notifications_fields ON gateway_notifications(fields_hash) WHERE fields_hash IS NOT NULL;

-- What the poller asks about: one gateway's orders with a look scheduled, closed ones included (a
-- bounded number of late looks after an order was closed unpaid).
CREATE INDEX topup_orders_due_by_gateway ON topup_orders(gateway, next_check_at) WHERE next_check_at IS NOT NULL;
`,
};
