import type { Db } from "./open.ts";
import type { ProductId } from "../domain/products.ts";

/** One saved number's reminder and auto-pay settings, with the number it belongs to. */
export interface ReminderSettingRow {
  saved_number_id: number;
  user_id: number;
  product: ProductId;
  number: string;
  label: string;
  reminder: number;
  reminder_since: number | null;
  autopay: number;
  autopay_day: number | null;
  autopay_ceiling: number | null;
  autopay_confirmed_by: string | null;
  autopay_confirmed_at: number | null;
}

const SELECT = `SELECT s.id AS saved_number_id, s.user_id, s.product, s.number, s.label,
    COALESCE(r.reminder, 0) AS reminder, r.reminder_since, COALESCE(r.autopay, 0) AS autopay, r.autopay_day, r.autopay_ceiling,
    r.autopay_confirmed_by, r.autopay_confirmed_at
  FROM saved_numbers s LEFT JOIN reminder_settings r ON r.saved_number_id = s.id`;

/** Reminder and auto-pay settings per saved number (docs/reminders.md). A saved number without a row has both off. */
export function createReminderSettingsRepo(db: Db) {
  const get = db.prepare<[number, number], ReminderSettingRow>(`${SELECT} WHERE s.id = ? AND s.user_id = ?`);
  const forUser = db.prepare<[number], ReminderSettingRow>(`${SELECT} WHERE s.user_id = ? ORDER BY s.id`);
  const enabled = db.prepare<[], ReminderSettingRow>(
    `SELECT s.id AS saved_number_id, s.user_id, s.product, s.number, s.label, r.reminder, r.reminder_since, r.autopay, r.autopay_day,
       r.autopay_ceiling, r.autopay_confirmed_by, r.autopay_confirmed_at
     FROM reminder_settings r JOIN saved_numbers s ON s.id = r.saved_number_id
     WHERE r.reminder = 1 OR r.autopay = 1`,
  );
  const ensure = db.prepare<[number, number, number]>("INSERT OR IGNORE INTO reminder_settings (saved_number_id, user_id, updated_at) VALUES (?, ?, ?)");
  const setReminder = db.prepare<{ id: number; on: number; now: number }>(
    `UPDATE reminder_settings SET reminder = @on,
       reminder_since = CASE WHEN @on = 1 AND reminder = 0 THEN @now WHEN @on = 1 THEN reminder_since ELSE NULL END, updated_at = @now
     WHERE saved_number_id = @id`,
  );
  const enableAutopay = db.prepare<{ id: number; day: number; ceiling: number; by: string; now: number }>(
    `UPDATE reminder_settings SET autopay = 1, autopay_day = @day, autopay_ceiling = @ceiling, autopay_confirmed_by = @by,
       autopay_confirmed_at = @now, updated_at = @now WHERE saved_number_id = @id`,
  );
  const disableAutopay = db.prepare<{ id: number; now: number }>(
    "UPDATE reminder_settings SET autopay = 0, updated_at = @now WHERE saved_number_id = @id AND autopay = 1",
  );
  const disableAllReminders = db.prepare<[number, number]>(
    "UPDATE reminder_settings SET reminder = 0, reminder_since = NULL, updated_at = ? WHERE user_id = ? AND reminder = 1",
  );
  const disableAllAutopay = db.prepare<[number, number]>("UPDATE reminder_settings SET autopay = 0, updated_at = ? WHERE user_id = ? AND autopay = 1");

  return {
    /** The settings of one of the person's saved numbers, or undefined when it is not theirs or gone. */
    get: (userId: number, savedNumberId: number) => get.get(savedNumberId, userId),
    forUser: (userId: number) => forUser.all(userId),
    /** Every saved number with a reminder or auto-pay on, one at a time (the planner's input). */
    enabled: () => enabled.iterate(),
    setReminder(userId: number, savedNumberId: number, on: boolean, now: number): void {
      ensure.run(savedNumberId, userId, now);
      setReminder.run({ id: savedNumberId, on: on ? 1 : 0, now });
    },
    /** Records the standing confirmation: the day, the ceiling, who confirmed and when. */
    enableAutopay(p: { userId: number; savedNumberId: number; day: number; ceiling: number; by: string; now: number }): void {
      ensure.run(p.savedNumberId, p.userId, p.now);
      enableAutopay.run({ id: p.savedNumberId, day: p.day, ceiling: p.ceiling, by: p.by, now: p.now });
    },
    disableAutopay: (savedNumberId: number, now: number) => disableAutopay.run({ id: savedNumberId, now }).changes > 0,
    /** /pengingat off: everything of one person, at once. */
    disableAll(userId: number, now: number): number {
      return disableAllReminders.run(now, userId).changes + disableAllAutopay.run(now, userId).changes;
    },
  };
}
export type ReminderSettingsRepo = ReturnType<typeof createReminderSettingsRepo>;
