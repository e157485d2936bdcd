import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe("logs", () => {
  it("never show a bot token, even inside an error's message", () => {
    const { lines, stream } = capture();
    const log = createLogger("info", stream);
    const err = new Error("request to https://api.telegram.org/bot123456:SECRETtoken_abc/getUpdates failed, reason: ECONNRESET");
    log.warn({ err }, "getUpdates failed");
    log.info("plain message with bot123456:SECRETtoken_abc in it");
    log.info({ apiKey: "k-123", password: "pw", customerNumber: "8801234560000", name: "ONI SAPUTRA" }, "fields");
    const out = lines.join("");
    expect(out).not.toContain("SECRETtoken_abc");
    expect(out).not.toContain("k-123");
    expect(out).not.toContain("8801234560000");
    expect(out).not.toContain("ONI SAPUTRA");
    expect(out).toContain("bot[redacted]");
  });
});
