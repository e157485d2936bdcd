import { freePort } from "../helpers/free-port.ts";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram-api.ts";
import { tempDir } from "../transports/telegram/harness.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const FIXTURE = join(ROOT, "test", "transports", "telegram", "fixtures", "telegram-main.ts");
const MAIN = join(ROOT, "src", "main.ts");
// The real entry point runs this test once the lead has wired the transport into it.
const mainWired = readFileSync(MAIN, "utf8").includes("startTelegram");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startBot(entry: string, fake: FakeTelegram, databasePath: string, cwd: string, port: number): { child: ChildProcess; exited: Promise<number | null> } {
  // Its own process group, so SIGKILL reaches the node process tsx runs, not only the wrapper.
  const child = spawn(TSX, [entry], {
    cwd,
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? cwd,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_PATH: databasePath,
      LOG_LEVEL: "silent",
      // As shipped (dashboard and gateway simulator on), on a port nobody else holds.
      PORT: String(port),
    },
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((res) =>
    child.on("exit", (code) => {
      if (code !== 0 && code !== null && stderr !== "") process.stderr.write(stderr);
      res(code);
    }),
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, "SIGKILL");
      await exited;
    }
  });
  return { child, exited };
}

async function crashBetweenFetchAndHandle(entry: string): Promise<void> {
  const tmp = tempDir();
  cleanups.push(() => tmp.remove());
  const fake = await startFakeTelegram();
  cleanups.push(() => fake.close());
  const payer = { id: 4901, first_name: "Proc" };

  const port = await freePort();
  const first = startBot(entry, fake, tmp.db, tmp.dir, port);
  fake.sendText(payer, "/start");
  await fake.waitForCall((c) => c.method === "sendMessage" && Number(c.payload.chat_id) === payer.id, "the menu");

  // Handling a tap starts with answerCallbackQuery; holding it keeps the update stored but unhandled.
  const hold = fake.hold("answerCallbackQuery");
  const tap = fake.tapChoice(payer, "product:bpjs-kesehatan");
  await hold.arrived;
  await fake.waitConfirmed(tap.updateId);
  process.kill(-first.child.pid!, "SIGKILL");
  expect(await first.exited).toBeNull();
  hold.release();
  expect(fake.unconfirmed()).not.toContain(tap.updateId); // Telegram will not send it again
  expect(
    fake
      .botMessages(payer.id)
      .map((m) => m.text)
      .join("\n"),
  ).not.toMatch(/Ketik nomor peserta/);

  const second = startBot(entry, fake, tmp.db, tmp.dir, port);
  const asked = await fake.waitForCall(
    (c) => c.method === "sendMessage" && Number(c.payload.chat_id) === payer.id && String(c.payload.text).includes("Ketik nomor peserta"),
    "the stored tap to be handled after the restart",
  );
  expect(asked.status).toBe("ok");
  second.child.kill("SIGTERM");
  expect(await second.exited).toBe(0);
}

describe("telegram: a real process killed between fetching and handling", () => {
  it("handles the stored update after a restart (composition as main.ts should wire it)", { timeout: 60_000 }, async () => {
    await crashBetweenFetchAndHandle(FIXTURE);
  });

  it.skipIf(!mainWired)("the same with src/main.ts", { timeout: 60_000 }, async () => {
    await crashBetweenFetchAndHandle(MAIN);
  });
});
