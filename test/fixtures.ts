import { test as base } from "vitest";
import { setupApp, type Harness } from "./helpers/app-harness.ts";
import { startTelegramHarness, type TelegramHarness, type TelegramHarnessOptions } from "./transports/telegram/harness.ts";

type StartBot = (env?: Record<string, string>, opts?: Parameters<typeof setupApp>[1]) => Promise<Harness>;
type StartTelegram = (opts?: TelegramHarnessOptions) => Promise<TelegramHarness>;

/**
 * Shared test setup (docs/architecture.md#tests): `bot` starts a whole app on SQLite and the
 * in-process simulator, `telegram` one with its Telegram transport and a fake Bot API. Whatever a
 * test starts is closed after it, however it ended.
 */
export const test = base.extend<{ bot: StartBot; telegram: StartTelegram }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  bot: async ({}, use) => {
    const started: Harness[] = [];
    await use(async (env = {}, opts = {}) => {
      const h = await setupApp(env, opts);
      started.push(h);
      return h;
    });
    for (const h of started.reverse()) await h.close().catch(() => undefined);
  },
  // eslint-disable-next-line no-empty-pattern -- as above
  telegram: async ({}, use) => {
    const started: TelegramHarness[] = [];
    await use(async (opts = {}) => {
      const th = await startTelegramHarness(opts);
      started.push(th);
      return th;
    });
    // close() also checks that nothing the bot sent broke Telegram's HTML parser: that must fail the test.
    for (const th of started.reverse()) await th.close();
  },
});
export const it = test;
