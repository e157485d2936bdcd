import { describe, expect, it } from "vitest";
import { readSession, SESSION_VERSION } from "../../../src/domain/conversation/session.ts";

describe("session rows", () => {
  it("resets politely on another version or junk", () => {
    expect(readSession({ version: SESSION_VERSION + 1, state: "{}" }, 1).reset).toBe(true);
    expect(readSession({ version: SESSION_VERSION, state: "not json" }, 1).reset).toBe(true);
    expect(readSession({ version: SESSION_VERSION, state: JSON.stringify({ step: "flying", nonce: 0, menu: [], at: 1 }) }, 1).reset).toBe(true);
    expect(readSession(undefined, 1)).toEqual({ state: { step: "idle", nonce: 0, menu: [], at: 1 }, reset: false, first: true });
  });
});
