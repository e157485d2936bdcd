/**
 * Due-date reminders and auto-pay (docs/reminders.md): what each saved number asked for, and one
 * row per (saved number, kind, period) that a tick claims before it acts, so a restart, a crash, a
 * second process or a clock jump never sends twice or pays twice.
 *
 * A saved number that is deleted (its button, or /hapus) takes its settings with it (the cascade)
 * and leaves its run history detached (saved_number_id NULL: NULLs never collide in the UNIQUE
 * key), so the counts stay and nothing of the person's number is kept here.
 */
export const remindersMigration = {
  version: 7,
  name: "reminders",
  sql: `
CREATE TABLE reminder_settings (
  saved_number_id INTEGER PRIMARY KEY REFERENCES saved_numbers(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  reminder INTEGER NOT NULL DEFAULT 0 CHECK (reminder IN (0, 1)),
  -- When the reminder was (last) turned on: a period whose due day had passed by then is not reminded.
  reminder_since INTEGER,
  autopay INTEGER NOT NULL DEFAULT 0 CHECK (autopay IN (0, 1)),
  autopay_day INTEGER CHECK (autopay_day BETWEEN 1 AND 28),
  autopay_ceiling INTEGER CHECK (autopay_ceiling > 0),
  -- The standing confirmation: who said "pay this for me, up to the ceiling", and when.
  autopay_confirmed_by TEXT,
  autopay_confirmed_at INTEGER,
  updated_at INTEGER NOT NULL,
  CHECK (reminder = 0 OR reminder_since IS NOT NULL),
  CHECK (autopay = 0 OR (autopay_day IS NOT NULL AND autopay_ceiling IS NOT NULL
                         AND autopay_confirmed_by IS NOT NULL AND autopay_confirmed_at IS NOT NULL))
);
CREATE INDEX reminder_settings_user ON reminder_settings(user_id);
CREATE INDEX reminder_settings_enabled ON reminder_settings(saved_number_id) WHERE reminder = 1 OR autopay = 1;

CREATE TABLE reminder_runs (
  id INTEGER PRIMARY KEY,
  saved_number_id INTEGER,
  user_id INTEGER NOT NULL REFERENCES users(id),
  product TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('reminder', 'autopay_notice', 'autopay')),
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  due_at INTEGER NOT NULL,
  -- Past this instant the run is not acted on any more (a reminder after its due day, an
  -- auto-payment after its day): it ends skipped.
  deadline_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('planned', 'claimed', 'waiting_funds', 'done', 'skipped', 'failed')),
  reason TEXT,
  -- The inquiry an auto-payment started (the payment, once confirmed, is that same row).
  tx_ref TEXT,
  -- An auto-payment waiting for a top-up: the total it needs.
  amount INTEGER,
  -- Where a reminder or notice went, for WhatsApp's daily cap.
  platform TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  claimed_at INTEGER,
  finished_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (saved_number_id, kind, period)
);
-- The table grows by a few rows per saved number a month: every statement reads it through one of these.
CREATE INDEX reminder_runs_due ON reminder_runs(due_at) WHERE status = 'planned';
CREATE INDEX reminder_runs_status_user ON reminder_runs(status, user_id);
CREATE INDEX reminder_runs_finished ON reminder_runs(kind, status, finished_at);
CREATE INDEX reminder_runs_period ON reminder_runs(period, saved_number_id, kind);

CREATE TRIGGER saved_numbers_forget_runs AFTER DELETE ON saved_numbers
BEGIN
  DELETE FROM reminder_runs WHERE saved_number_id = OLD.id AND status = 'planned';
  UPDATE reminder_runs
     SET status = CASE WHEN status = 'waiting_funds' THEN 'skipped' ELSE status END,
         reason = CASE WHEN status = 'waiting_funds' THEN 'number_removed' ELSE reason END,
         finished_at = CASE WHEN status = 'waiting_funds' THEN updated_at ELSE finished_at END,
         saved_number_id = NULL
   WHERE saved_number_id = OLD.id;
END;
`,
};
