/**
 * What a review of auto-pay found missing (docs/reminders.md#an-auto-payment-that-did-not-happen):
 * a column and an index only, the table of 007 is left as it was.
 */
export const autopayReviewMigration = {
  version: 11,
  name: "autopay-review",
  sql: `
-- An auto-payment that ended unpaid without a word to the payer (its day passed, a crash): when the
-- "not paid automatically, pay it yourself" message is due (after quiet hours). Written in the commit
-- that ends the run; cleared, compare-and-set, in the commit that writes the message.
ALTER TABLE reminder_runs ADD COLUMN tell_at INTEGER;
CREATE INDEX reminder_runs_tell ON reminder_runs(tell_at) WHERE tell_at IS NOT NULL;
`,
};
