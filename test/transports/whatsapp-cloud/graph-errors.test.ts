import { describe, expect, it } from "vitest";
import { GraphApiError, GraphUnreachableError } from "../../../src/transports/whatsapp-cloud/graph-client.ts";
import { verdictOf } from "../../../src/transports/whatsapp-cloud/graph-errors.ts";

const meta = (code: number | null, status = 400) => new GraphApiError(status, code, "details");

describe("verdictOf: Meta's error codes", () => {
  it.each([
    [131047, "window_closed"],
    [132001, "template_refused"],
    [132000, "template_refused"],
    [132018, "template_refused"],
    [130429, "throttled"],
    [131056, "throttled"],
    [80007, "throttled"],
    [4, "throttled"],
    [190, "token"],
    [0, "token"],
    [10, "token"],
    [200, "token"],
    [299, "token"],
    [131048, "account"],
    [131031, "account"],
    [368, "account"],
    [130497, "account"],
    [131042, "account"],
    [2, "unreachable"],
    [131016, "unreachable"],
    [131057, "unreachable"],
    [1, "transient"],
    [131000, "transient"],
    [131026, "permanent"],
    [131030, "permanent"],
    [100, "permanent"],
    [131008, "permanent"],
    [131009, "permanent"],
    [999999, "permanent"],
  ])("#%i → %s", (code, kind) => {
    expect(verdictOf(meta(code)).kind).toBe(kind);
  });

  it("tells the pair limit from the number's throughput", () => {
    expect(verdictOf(meta(131056))).toMatchObject({ scope: "pair" });
    expect(verdictOf(meta(130429))).toMatchObject({ scope: "number" });
  });

  it("reads the HTTP status only for codes it does not know", () => {
    expect(verdictOf(meta(null, 401)).kind).toBe("token");
    expect(verdictOf(meta(null, 429)).kind).toBe("throttled");
    expect(verdictOf(meta(null, 503)).kind).toBe("unreachable");
    expect(verdictOf(meta(null, 404)).kind).toBe("permanent");
    expect(verdictOf(meta(123456, 500)).kind).toBe("unreachable");
    expect(verdictOf(meta(131000, 500)).kind).toBe("transient");
  });

  it("treats a network failure as unreachable and anything else as transient", () => {
    expect(verdictOf(new GraphUnreachableError("ECONNREFUSED"))).toMatchObject({ kind: "unreachable", retryMs: 15_000 });
    expect(verdictOf(new Error("boom")).kind).toBe("transient");
    expect(verdictOf(meta(131057))).toMatchObject({ retryMs: 60_000 });
  });
});
