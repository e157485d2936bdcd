/**
 * A payer's /hapus masks their transactions, but a payment still open at that moment (paying,
 * pending, needs review) keeps its number for the provider's status checks. This trigger masks such
 * a row the moment it leaves the open states, whoever settles it (pay call, reconciler, admin, CLI),
 * so erasure covers rows that settle later (docs/money.md). Rows made after the erasure are the
 * payer's new data and are left alone.
 */
export const erasureMigration = {
  version: 5,
  name: "erasure",
  sql: `
CREATE TRIGGER transactions_erase_when_settled AFTER UPDATE OF status ON transactions
WHEN NEW.erased = 0
  AND NEW.status NOT IN ('inquiring', 'paying', 'pending', 'needs_review')
  AND NEW.user_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.user_id AND u.erased_at IS NOT NULL AND NEW.created_at <= u.erased_at)
BEGIN
  UPDATE transactions
     SET customer_number = substr('****************', 1, max(length(customer_number) - 4, 0)) || substr(customer_number, -4),
         name = NULL, pay_token = NULL, erased = 1
   WHERE ref = NEW.ref;
END;
`,
};
