import { z } from "zod";
import { PRODUCT_IDS } from "../products.ts";
import { effectSchema } from "./effects.ts";
import { readJson } from "../../shared/json.ts";

/** The persisted conversation state of one payer: a versioned JSON row (docs/conversation.md#steps). */
export const SESSION_VERSION = 1;

export const STEPS = [
  "idle",
  "choosing_product",
  "entering_number",
  "choosing_months",
  "inquiring",
  "confirming",
  "confirming_again",
  "paying",
  "naming_saved",
  "admin_confirm",
  /** A top-up amount is asked for (docs/topups.md#the-payer). */
  "topup_amount",
  // Setting up auto-pay for a saved number (docs/reminders.md#conversation).
  "autopay_day",
  "autopay_ceiling",
  "autopay_confirm",
] as const;
export type Step = (typeof STEPS)[number];

export const sessionSchema = z.object({
  step: z.enum(STEPS),
  /** Bumped with every menu: a button from an older menu is stale. */
  nonce: z.number().int().nonnegative(),
  /** Choice ids of the last menu, so "2" typed on WhatsApp or the console picks the second. */
  menu: z.array(z.string()),
  /** When that menu was offered: a choice typed before it cannot be answering it. */
  menuAt: z.number().optional(),
  product: z.enum(PRODUCT_IDS).optional(),
  number: z.string().optional(),
  months: z.number().int().optional(),
  ref: z.string().optional(),
  /** A pending admin action waiting for "yes" (e.g. a large top-up), as JSON. */
  pendingAction: z.string().optional(),
  /** Auto-pay being set up: the saved number, then the day and the ceiling as they are typed. */
  autopay: z
    .object({
      savedId: z.number().int().positive(),
      day: z.number().int().min(1).max(28).optional(),
      ceiling: z.number().int().positive().optional(),
    })
    .optional(),
  /** Last activity, for the inactivity timeout. */
  at: z.number(),
  /** An effect asked for and not yet answered (a crash leaves it here: it is resumed). */
  effect: effectSchema.optional(),
});
export type SessionState = z.infer<typeof sessionSchema>;

export function freshSession(now: number, nonce = 0): SessionState {
  return { step: "idle", nonce, menu: [], at: now };
}

/** Reads a stored row; anything unreadable or of another version is "reset", not a crash. */
export function readSession(row: { version: number; state: string } | undefined, now: number): { state: SessionState; reset: boolean; first: boolean } {
  if (!row) return { state: freshSession(now), reset: false, first: true };
  if (row.version !== SESSION_VERSION) return { state: freshSession(now), reset: true, first: false };
  const parsed = sessionSchema.safeParse(readJson(row.state));
  return parsed.success ? { state: parsed.data, reset: false, first: false } : { state: freshSession(now), reset: true, first: false };
}
