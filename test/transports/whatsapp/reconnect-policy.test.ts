import { describe, expect, it } from "vitest";
import { DisconnectReason } from "../../../src/transports/whatsapp/baileys-socket.ts";
import {
  BACKOFF_MAX_MS,
  CLOSE_CODES,
  FRESH_HISTORY,
  jitteredBackoffMs,
  reasonName,
  reconnectDecision,
  recordClose,
  recordOpen,
  type CloseHistory,
} from "../../../src/transports/whatsapp/reconnect-policy.ts";

const mid = () => 0.5; // no jitter: 0.75 + 0.5 * 0.5 = 1
const first: CloseHistory = { attempt: 1, replacedInARow: 0 };

describe("reconnectDecision", () => {
  it("uses Baileys' own DisconnectReason codes", () => {
    for (const [name, code] of Object.entries(CLOSE_CODES)) {
      expect(DisconnectReason[name as keyof typeof DisconnectReason], name).toBe(code);
    }
  });

  it("logs out (clear and pair again) on loggedOut 401, at once the first time", () => {
    expect(reconnectDecision(401, first, mid)).toEqual({ action: "logout", delayMs: 0, reason: "loggedOut" });
    // A loop of logouts (should never happen with fresh creds) still backs off.
    expect(reconnectDecision(401, { attempt: 3, replacedInARow: 0 }, mid)).toMatchObject({ action: "logout", delayMs: 4_000 });
  });

  it("reconnects at once on restartRequired 515 (normal right after pairing)", () => {
    expect(reconnectDecision(515, first, mid)).toEqual({ action: "reconnect", delayMs: 0, reason: "restartRequired" });
    expect(reconnectDecision(515, { attempt: 5, replacedInARow: 0 }, mid).delayMs).toBe(0);
  });

  it.each([
    [428, "connectionClosed"],
    [408, "connectionLost"],
    [411, "multideviceMismatch"],
    [403, "forbidden"],
    [500, "badSession"],
    [503, "unavailableService"],
    [440, "connectionReplaced"],
    [undefined, "unknown"],
    [599, "status 599"],
  ])("reconnects with backoff on %s (%s)", (code, name) => {
    expect(reconnectDecision(code, first, mid)).toEqual({ action: "reconnect", delayMs: 1_000, reason: name });
    expect(reconnectDecision(code, { attempt: 2, replacedInARow: code === 440 ? 1 : 0 }, mid).delayMs).toBe(2_000);
  });

  it("doubles from 1 s to a 60 s cap", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 20, 1000].map((attempt) => reconnectDecision(428, { attempt, replacedInARow: 0 }, mid).delayMs);
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it("jitters ±25 % and never past the cap", () => {
    expect(jitteredBackoffMs(3, () => 0)).toBe(3_000);
    expect(jitteredBackoffMs(3, () => 0.999999)).toBe(5_000);
    expect(jitteredBackoffMs(10, () => 0.999999)).toBe(BACKOFF_MAX_MS);
    expect(jitteredBackoffMs(10, () => 0)).toBe(45_000);
  });

  it("backs off much harder when connectionReplaced 440 repeats", () => {
    expect(reconnectDecision(440, { attempt: 1, replacedInARow: 1 }, mid).delayMs).toBe(1_000);
    expect(reconnectDecision(440, { attempt: 1, replacedInARow: 2 }, mid).delayMs).toBe(5 * 60_000);
    expect(reconnectDecision(440, { attempt: 1, replacedInARow: 3 }, mid).delayMs).toBe(10 * 60_000);
    expect(reconnectDecision(440, { attempt: 1, replacedInARow: 9 }, mid).delayMs).toBe(30 * 60_000);
  });
});

describe("close history", () => {
  it("counts attempts until an open, and 440s in a row across opens", () => {
    let h = FRESH_HISTORY;
    h = recordClose(h, 428);
    h = recordClose(h, 408);
    expect(h).toEqual({ attempt: 2, replacedInARow: 0 });
    h = recordOpen(h);
    expect(h.attempt).toBe(0);
    h = recordClose(h, 440);
    h = recordOpen(h);
    h = recordClose(h, 440);
    expect(h).toEqual({ attempt: 1, replacedInARow: 2 });
    h = recordClose(h, 428);
    expect(h.replacedInARow).toBe(0);
  });

  it("names reasons for the logs", () => {
    expect(reasonName(440)).toBe("connectionReplaced");
    expect(reasonName(408)).toBe("connectionLost");
  });
});
