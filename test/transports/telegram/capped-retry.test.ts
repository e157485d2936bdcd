import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, decideRetry } from "../../../src/transports/telegram/capped-retry.ts";

describe("capped retry policy", () => {
  const o = DEFAULT_RETRY;
  it("honours retry_after through the limiter pause, up to the cap", () => {
    expect(decideRetry({ kind: "api_error", code: 429, retryAfterSeconds: 3 }, 1, o)).toEqual({ retry: true, delayMs: 0, pauseMs: 3000 });
    expect(decideRetry({ kind: "api_error", code: 429, retryAfterSeconds: 3 }, 3, o)).toEqual({ retry: false, pauseMs: 3000 });
    expect(decideRetry({ kind: "api_error", code: 429, retryAfterSeconds: 600 }, 1, o)).toEqual({ retry: false, pauseMs: 30_000 });
  });
  it("backs off on 5xx and network errors, at most maxAttempts in all", () => {
    expect(decideRetry({ kind: "api_error", code: 502 }, 1, o)).toEqual({ retry: true, delayMs: 500, pauseMs: 0 });
    expect(decideRetry({ kind: "network" }, 2, o)).toEqual({ retry: true, delayMs: 1000, pauseMs: 0 });
    expect(decideRetry({ kind: "network" }, 3, o)).toEqual({ retry: false, pauseMs: 0 });
  });
  it("never repeats a call of uncertain outcome when told not to (broadcasts)", () => {
    expect(decideRetry({ kind: "network" }, 1, o, false)).toEqual({ retry: false, pauseMs: 0 });
    expect(decideRetry({ kind: "api_error", code: 429, retryAfterSeconds: 1 }, 1, o, false).retry).toBe(true);
  });
  it("takes other answers as answers", () => {
    for (const code of [400, 401, 403, 404, 409]) expect(decideRetry({ kind: "api_error", code }, 1, o)).toEqual({ retry: false, pauseMs: 0 });
    expect(decideRetry({ kind: "ok" }, 1, o)).toEqual({ retry: false, pauseMs: 0 });
  });
});
