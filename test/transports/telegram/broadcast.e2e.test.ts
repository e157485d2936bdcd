import { afterEach, describe, expect, it } from "vitest";
import { startTelegramHarness, type TelegramHarness } from "./harness.ts";

let th: TelegramHarness | undefined;
afterEach(async () => {
  await th?.close();
  th = undefined;
});

describe("telegram: broadcast through the shared limiter", () => {
  it("delivers an announcement once each, marks the blocked, edits the admin's progress in place", async () => {
    th = await startTelegramHarness({ env: { ADMIN_TELEGRAM_IDS: "9000" } });
    expect(th.h.app.broadcastChannels.telegram).toBe(th.transport.broadcastChannel);
    for (const id of [4911, 4912, 4913]) await th.user(id).say("/start");
    th.fake.block(4913);
    const admin = th.user(9000);
    expect(await admin.say("/broadcast telegram Iuran <b>jatuh</b> tempo & bayar")).toMatch(/Pratinjau/);
    await admin.tap("admin:yes");
    await new Promise<void>((r) => setImmediate(r));
    await th.h.app.broadcastRunner.idle();
    await th.transport.idle();

    for (const id of [4911, 4912]) {
      const got = th.fake.botMessages(id).filter((m) => m.text.includes("Iuran <b>jatuh</b> tempo & bayar"));
      expect(got).toHaveLength(1);
    }
    expect(th.h.app.repos.users.findByIdentity("telegram", "4913")!.blocked).toBe(1);
    const progress = th.fake.botMessages(9000).filter((m) => /selesai/.test(m.text));
    expect(progress).toHaveLength(1);
  });
});
