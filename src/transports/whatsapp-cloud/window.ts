import type { CloudContact } from "../../db/whatsapp-cloud-repo.ts";

/** A person's message opens a 24-hour customer-service window (docs/whatsapp-cloud.md#the-24-hour-window). */
export const WINDOW_MS = 24 * 3_600_000;

/**
 * The window is treated as closed this much early: a message queued a minute before the end could
 * reach Meta after it, be accepted, and then fail (131047).
 */
export const WINDOW_MARGIN_MS = 10 * 60_000;

/**
 * Whether a free-form message may go now: the person wrote within the window, and Meta has not
 * said since then that the window is closed.
 */
export function windowOpen(contact: CloudContact | undefined, now: number): boolean {
  if (contact === undefined || contact.last_inbound_at <= 0) return false;
  if (contact.window_closed_at !== null && contact.window_closed_at >= contact.last_inbound_at) return false;
  return now - contact.last_inbound_at < WINDOW_MS - WINDOW_MARGIN_MS;
}
