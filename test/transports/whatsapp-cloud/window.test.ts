import { describe, expect, it } from "vitest";
import { WINDOW_MARGIN_MS, WINDOW_MS, windowOpen } from "../../../src/transports/whatsapp-cloud/window.ts";

const T = 1_800_000_000_000;
const contact = (last: number, closed: number | null = null) => ({ wa_id: "62812", last_inbound_at: last, window_closed_at: closed });

describe("windowOpen", () => {
  it("is closed for someone who never wrote", () => {
    expect(windowOpen(undefined, T)).toBe(false);
    expect(windowOpen(contact(0), T)).toBe(false);
  });

  it("is open for 24 hours after their last message, less a safety margin", () => {
    expect(windowOpen(contact(T), T)).toBe(true);
    expect(windowOpen(contact(T), T + WINDOW_MS - WINDOW_MARGIN_MS - 1)).toBe(true);
    expect(windowOpen(contact(T), T + WINDOW_MS - WINDOW_MARGIN_MS)).toBe(false);
    expect(windowOpen(contact(T), T + WINDOW_MS)).toBe(false);
  });

  it("is closed once Meta said so (131047), until the person writes again", () => {
    expect(windowOpen(contact(T, T + 1000), T + 2000)).toBe(false);
    expect(windowOpen(contact(T + 3000, T + 1000), T + 4000)).toBe(true);
  });
});
