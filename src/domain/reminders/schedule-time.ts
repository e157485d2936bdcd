import type { ProductId } from "../products.ts";

/**
 * Calendar arithmetic for reminders and auto-pay, all in WIB (UTC+7, no daylight saving:
 * docs/reminders.md#time). Periods are WIB months written "YYYY-MM"; instants are epoch ms.
 */

const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** "YYYY-MM": the WIB month an instant falls in. */
export type Period = string;

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * The day of the month a product's contribution is due by. BPJS Kesehatan: the 10th; BPJS
 * Ketenagakerjaan BPU: the 15th; BPJS Denda is a one-off penalty with no monthly due date, so it
 * gets no reminder and no auto-pay.
 */
export const DUE_DAY: Readonly<Record<ProductId, number | null>> = {
  "bpjs-kesehatan": 10,
  "bpjs-ketenagakerjaan": 15,
  "bpjs-denda": null,
};

export function hasDueDay(product: ProductId): boolean {
  return DUE_DAY[product] !== null;
}

/** Quiet hours, WIB: nothing unasked is sent from 21:00 until 07:00. */
export const QUIET_HOURS = { from: 21, until: 7 } as const;

function parts(period: Period): { year: number; month: number } {
  const m = PERIOD.exec(period);
  if (!m) throw new Error(`not a period: ${period}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

/** The WIB month of an instant. */
export function periodOf(epochMs: number): Period {
  return new Date(epochMs + WIB_OFFSET_MS).toISOString().slice(0, 7);
}

/** The period `offset` months after `period` (negative: before). */
export function addMonths(period: Period, offset: number): Period {
  const { year, month } = parts(period);
  return new Date(Date.UTC(year, month - 1 + offset, 1)).toISOString().slice(0, 7);
}

/** Whole months from `from` to `to` ("2026-11" → "2027-01" is 2). */
export function monthsBetween(from: Period, to: Period): number {
  const a = parts(from);
  const b = parts(to);
  return (b.year - a.year) * 12 + (b.month - a.month);
}

/**
 * The instant of `hour`:00 WIB on `day` of `period`. Day 0 is the last day of the month before
 * and day 32 spills into the next: Date.UTC counts on, which is what "the day before the 1st" and
 * "the end of the 28th" need.
 */
export function wibInstant(period: Period, day: number, hour = 0): number {
  const { year, month } = parts(period);
  return Date.UTC(year, month - 1, day, hour) - WIB_OFFSET_MS;
}

/** The WIB hour (0–23) of an instant. */
export function wibHour(epochMs: number): number {
  return new Date(epochMs + WIB_OFFSET_MS).getUTCHours();
}

/** The WIB day of the month (1–31) of an instant. */
export function wibDayOfMonth(epochMs: number): number {
  return new Date(epochMs + WIB_OFFSET_MS).getUTCDate();
}

export function isQuiet(epochMs: number): boolean {
  const h = wibHour(epochMs);
  return h >= QUIET_HOURS.from || h < QUIET_HOURS.until;
}

/** The instant itself, or — inside quiet hours — the 07:00 WIB that ends them. */
export function afterQuietHours(epochMs: number): number {
  if (!isQuiet(epochMs)) return epochMs;
  const shifted = epochMs + WIB_OFFSET_MS;
  const dayStart = shifted - (shifted % (24 * HOUR_MS));
  const sevenToday = dayStart + QUIET_HOURS.until * HOUR_MS;
  return (shifted < sevenToday ? sevenToday : sevenToday + 24 * HOUR_MS) - WIB_OFFSET_MS;
}
