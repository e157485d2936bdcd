import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openDatabase } from "../src/db/open.ts";
import { createRepos } from "../src/db/repos.ts";
import { startFakeTelegram, type FakeTelegram, type FakeUser } from "../test/fakes/telegram-api.ts";
import { iakAt, startSimulatorProcess } from "./simulator-process.ts";
import { freePort } from "../test/helpers/free-port.ts";

/**
 * `npm run soak`: the real bot process against the fake Telegram API and a standalone simulator
 * (whose records outlive the bot), many payers paying, the bot SIGKILLed at random moments and
 * restarted, many times. Then the books are checked against the simulator's and the database's
 * records. SOAK_SECONDS (default 90) and SOAK_PAYERS (default 24) size it.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 90);
const PAYERS = Number(process.env.SOAK_PAYERS ?? 24);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const rand = (n: number) => Math.floor(Math.random() * n);

const dir = mkdtempSync(join(tmpdir(), "loket-soak-"));
const dbPath = join(dir, "loket.db");
console.log(`soak: ${SECONDS}s, ${PAYERS} payers, files in ${dir}`);
const sim = await startSimulatorProcess({ SIMULATOR_DB: join(dir, "sim.db"), SIMULATOR_SETTLE_MS: "4000" });
const fake: FakeTelegram = await startFakeTelegram();

// Real providers mean no demo balance: the operator credits the payers before the first start.
{
  const db = openDatabase(dbPath);
  const repos = createRepos(db);
  db.transaction(() => {
    for (let i = 0; i < PAYERS; i++) {
      const u = repos.users.create({ platform: "telegram", externalId: String(70_000 + i), address: String(70_000 + i), locale: "id", now: Date.now() });
      repos.ledger.post({ userId: u.id, amount: 100_000_000, kind: "topup", actor: "soak", now: Date.now() });
    }
  }).immediate();
  db.close();
}

const env = {
  ...process.env,
  DATABASE_PATH: dbPath,
  ...iakAt(sim.url),
  TELEGRAM_BOT_TOKEN: fake.token,
  TELEGRAM_API_ROOT: fake.apiRoot,
  INQUIRY_LIMIT_PER_HOUR: "100000",
  BACKUP_DIR: join(dir, "backups"),
  PORT: String(await freePort()),
  LOG_LEVEL: "warn",
  CONSOLE: "false",
};

let bot: ChildProcess | null = null;
function startBot(): void {
  // The bot's own log (warn and up) is kept beside the databases, for a look when something fails.
  bot = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env, stdio: ["ignore", openSync(join(dir, "bot.log"), "a"), "pipe"] });
  bot.stderr?.on("data", (d: Buffer) => {
    const line = d.toString();
    if (/"level":(50|60)/.test(line)) console.error(`bot error: ${line.slice(0, 300)}`);
  });
}
async function killBot(signal: NodeJS.Signals): Promise<void> {
  const b = bot;
  if (!b || b.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    b.once("exit", () => resolve());
    b.kill(signal);
  });
}

// Scenario endings: mostly success, some pending (settles), some failing after a status check.
const ENDINGS = ["2222", "2222", "2222", "3333", "1039", "1037", "1105"];
let flows = 0;
function numberFor(payer: number, product: "bpjs-kesehatan" | "bpjs-ketenagakerjaan"): string {
  const n = ++flows;
  const ending = ENDINGS[rand(ENDINGS.length)]!;
  return product === "bpjs-kesehatan"
    ? `88${String(payer).padStart(3, "0")}${String(n).padStart(4, "0")}${ending}`
    : `81${String(payer).padStart(3, "0")}${String(n).padStart(7, "0")}${ending}`;
}

/** A payer who reads the last message in the chat and does the sensible next thing, whatever happened before. */
async function payer(i: number, until: number): Promise<void> {
  const user: FakeUser = { id: 70_000 + i, first_name: "Soak" };
  let product: "bpjs-kesehatan" | "bpjs-ketenagakerjaan" = "bpjs-kesehatan";
  while (Date.now() < until) {
    const last = fake.botMessages(user.id).at(-1);
    const ids = last?.buttons.flat().map((b) => b.callback_data.split("|")[1] ?? "") ?? [];
    const before = fake.calls.length;
    try {
      if (ids.some((c) => c.startsWith("pay:"))) fake.tapChoice(user, "pay:");
      else if (ids.some((c) => c.startsWith("months:"))) fake.tapChoice(user, "months:1");
      else if (last && /Ketik (nomor|NIK)/.test(last.text)) fake.sendText(user, numberFor(i, product));
      else if (ids.includes("product:bpjs-kesehatan")) {
        product = rand(2) === 0 ? "bpjs-kesehatan" : "bpjs-ketenagakerjaan";
        fake.tapChoice(user, `product:${product}`);
      } else fake.sendText(user, "/start");
    } catch {
      fake.sendText(user, "/start");
    }
    // Wait for the bot to say something (or give up after a while: it may be dead right now).
    for (
      let w = 0;
      w < 40 && fake.calls.slice(before).every((c) => !(c.method === "sendMessage" || c.method === "editMessageText") || Number(c.payload.chat_id) !== user.id);
      w++
    )
      await sleep(100);
    await sleep(50 + rand(300));
  }
}

/** Until the bot asks Telegram for updates again (started, recovered, serving), or 60 s. */
async function serving(): Promise<void> {
  const from = fake.calls.length;
  for (let w = 0; w < 600 && !fake.calls.slice(from).some((c) => c.method === "getUpdates"); w++) await sleep(100);
}

startBot();
await serving();
const until = Date.now() + SECONDS * 1000;
const payers = Array.from({ length: PAYERS }, (_, i) => payer(i, until));
let kills = 0;
while (Date.now() < until - 3000) {
  // Killed at a random moment of serving (not while it still starts: a slow start would be all it did).
  await sleep(1500 + rand(4000));
  await killBot("SIGKILL");
  kills++;
  await sleep(rand(500));
  startBot();
  await serving();
}
await Promise.all(payers);

// Let the bot finish everything: pending payments settle, "never received" is trusted after its grace.
console.log(`driving done (${kills} kills); waiting for every payment to settle…`);
const watch = new Database(dbPath, { readonly: true });
const open = () => (watch.prepare("SELECT COUNT(*) AS n FROM transactions WHERE status IN ('paying','pending')").get() as { n: number }).n;
const settleBy = Date.now() + 240_000;
while (open() > 0 && Date.now() < settleBy) await sleep(1000);
await sleep(3000); // the last notices leave the outbox
await killBot("SIGTERM");
watch.close();

// The books.
const db = new Database(dbPath, { readonly: true });
const violations: string[] = [];
const payCalls = (await (await fetch(`${sim.url}/__sim/pay-calls`)).json()) as { ref: string; payCount: number; status: string }[];
const simByRef = new Map(payCalls.map((c) => [c.ref, c]));
for (const c of payCalls) if (c.payCount > 1) violations.push(`inquiry ${c.ref} paid ${c.payCount} times at the provider`);
const txs = db.prepare("SELECT ref, user_id, status, total FROM transactions").all() as {
  ref: string;
  user_id: number;
  status: string;
  total: number | null;
}[];
for (const tx of txs) {
  const s = simByRef.get(tx.ref);
  if (tx.status === "paid" && s?.status !== "success") violations.push(`${tx.ref} paid here but ${s?.status ?? "never paid"} at the provider`);
  if (tx.status === "failed" && s?.status === "success") violations.push(`${tx.ref} failed here but paid at the provider`);
  if (["paying", "pending"].includes(tx.status)) violations.push(`${tx.ref} left ${tx.status}`);
  if (s?.status === "success" && tx.status !== "paid") violations.push(`${tx.ref} paid at the provider but ${tx.status} here`);
}
const negative = db.prepare("SELECT user_id FROM ledger WHERE user_id IS NOT NULL GROUP BY user_id HAVING SUM(amount) < 0").all();
if (negative.length) violations.push(`negative balances: ${negative.length}`);
const badRefunds = db
  .prepare(
    "SELECT t.ref FROM transactions t WHERE (t.status = 'failed') != ((SELECT COUNT(*) FROM ledger l WHERE l.tx_ref = t.ref AND l.kind = 'refund') = 1) AND t.total > 0 AND t.status IN ('paid','failed')",
  )
  .all();
if (badRefunds.length) violations.push(`refunds not exactly once per failure: ${JSON.stringify(badRefunds.slice(0, 5))}`);
const holdless = db
  .prepare("SELECT ref FROM transactions WHERE status IN ('paid','failed','needs_review') AND ref NOT IN (SELECT tx_ref FROM ledger WHERE kind = 'hold')")
  .all();
if (holdless.length) violations.push(`payments without a hold: ${holdless.length}`);
// Every settlement was announced to its payer (twice at most right after a kill).
let announced = 0;
let twice = 0;
for (const tx of txs.filter((t) => t.status === "paid" || t.status === "failed")) {
  const chat = 70_000 + (tx.user_id - 1);
  const word = tx.status === "paid" ? "Pembayaran berhasil" : "gagal";
  const n = fake.calls.filter(
    (c) =>
      (c.method === "sendMessage" || c.method === "editMessageText") &&
      c.status === "ok" &&
      Number(c.payload.chat_id) === chat &&
      String(c.payload.text).includes(tx.ref) &&
      String(c.payload.text).includes(word),
  ).length;
  if (n === 0) violations.push(`settlement of ${tx.ref} (${tx.status}) never announced`);
  else announced++;
  if (n > 1) twice++;
}
if (twice > kills) violations.push(`${twice} settlements announced twice, more than the ${kills} kills explain`);
const count = (status: string) => txs.filter((t) => t.status === status).length;
console.log(
  JSON.stringify({
    kills,
    flows: txs.length,
    payments: txs.filter((t) => ["paid", "failed", "needs_review"].includes(t.status)).length,
    paid: count("paid"),
    failed: count("failed"),
    needs_review: count("needs_review"),
    announced,
    announced_twice: twice,
    provider_pay_calls: payCalls.reduce((n, c) => n + c.payCount, 0),
    violations: violations.length,
  }),
);
for (const v of violations.slice(0, 30)) console.log(`VIOLATION ${v}`);
db.close();
await fake.close();
await sim.stop();
process.exit(violations.length === 0 ? 0 : 1);
