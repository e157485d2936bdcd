import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { GroupCommitter } from "../../../src/db/group-commit.ts";
import { createLogger } from "../../../src/logger.ts";
import { createCloudAlerts } from "../../../src/transports/whatsapp-cloud/alerts.ts";

describe("WhatsApp Cloud alerts", () => {
  it("a refused template's log line names the template the operator must fix (not redacted as a person's name)", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const commits = { run: async <T>(work: () => T) => work() } as unknown as GroupCommitter;
    const alerts = createCloudAlerts({ notifier: { toAdmins: () => undefined }, commits, t: (_l, key) => key, log: createLogger("info", sink), now: () => 0 });
    alerts.templateRefused("receipt", "loket_receipt_v2", "id", "#132001 template name does not exist");
    const line = JSON.parse(lines.find((l) => l.includes("Meta refused a template"))!) as Record<string, unknown>;
    expect(line).toMatchObject({ template: "loket_receipt_v2", language: "id", kind: "receipt" });
  });
});
