import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openDatabase } from "../src/db/open.ts";
import { createRepos } from "../src/db/repos.ts";
import { startFakeTelegram, type FakeTelegram, type FakeUser } from "../test/fakes/telegram-api.ts";
import { iakAt, startSimulatorProcess } from "./simulator-process.ts";
import { GATEWAY_SIMULATOR_SERVER_KEY } from "../src/gateway/simulator/credentials.ts";
import { freePort } from "../test/helpers/free-port.ts";

/**
 * `npm run soak`: the real bot process against the fake Telegram API and a standalone simulator
 * (whose records outlive the bot), many payers paying, the bot SIGKILLed at random moments and
 * restarted, many times. Then the books are checked against the simulator's and the database's
 * records. SOAK_SECONDS (default 90) and SOAK_PAYERS (default 24) size it.
 *
 * Auto-payments fire throughout (docs/reminders.md): saved numbers with auto-pay due today are
 * added in waves while the bot runs (SOAK_AUTOPAY_WAVE per wave, default 6); every restart plans
 * them, so kills land in the middle of auto-payments too. Their own books are checked after.
 *
 * Top-ups run throughout too (docs/topups.md), through the standalone simulator's payment gateway
 * (GATEWAY=midtrans pointed at it, its orders outliving the bot): SOAK_TOPUP_PAYERS (default 6)
 * payers start with almost nothing, pay their bills' shortfall by QRIS from the bill screen and top
 * up with /isi, some amounts ending in the gateway's scenarios (notified twice, notified before the
 * charge answer, a forged notification, never paid). After: every order the gateway settled is
 * credited exactly once, at its amount, and nothing is credited that the gateway did not settle.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 90);
const PAYERS = Number(process.env.SOAK_PAYERS ?? 24);
const AUTOPAY_WAVE = Number(process.env.SOAK_AUTOPAY_WAVE ?? 6);
const TOPUP_PAYERS = Number(process.env.SOAK_TOPUP_PAYERS ?? 6);
/** What a top-up payer starts with: less than any bill, so every bill has a shortfall. */
const TOPUP_PAYER_START = 20_000;
const WIB_MS = 7 * 3_600_000;
const DAY_MS = 24 * 3_600_000;
// Auto-pay days are 1–28: on the 29th–31st the bot's clock is moved back to the 28th (bench/soak-clock.ts).
const wibDay = new Date(Date.now() + WIB_MS).getUTCDate();
const CLOCK_OFFSET_MS = wibDay > 28 ? -(wibDay - 28) * DAY_MS : 0;
const botNow = () => Date.now() + CLOCK_OFFSET_MS;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const rand = (n: number) => Math.floor(Math.random() * n);

const dir = mkdtempSync(join(tmpdir(), "loket-soak-"));
const dbPath = join(dir, "loket.db");
console.log(`soak: ${SECONDS}s, ${PAYERS} payers, files in ${dir}`);
// The simulated payer pays a QRIS order 1.5 s after it is shown.
const sim = await startSimulatorProcess({ SIMULATOR_DB: join(dir, "sim.db"), SIMULATOR_SETTLE_MS: "4000", GATEWAY_SIMULATOR_PAY_AFTER_MS: "1500" });
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
    for (let i = 0; i < TOPUP_PAYERS; i++) {
      const u = repos.users.create({ platform: "telegram", externalId: String(72_000 + i), address: String(72_000 + i), locale: "id", now: Date.now() });
      repos.ledger.post({ userId: u.id, amount: TOPUP_PAYER_START, kind: "topup", actor: "soak", now: Date.now() });
    }
  }).immediate();
  db.close();
}

const port = await freePort();
const env = {
  ...process.env,
  DATABASE_PATH: dbPath,
  ...iakAt(sim.url),
  TELEGRAM_BOT_TOKEN: fake.token,
  TELEGRAM_API_ROOT: fake.apiRoot,
  INQUIRY_LIMIT_PER_HOUR: "100000",
  BACKUP_DIR: join(dir, "backups"),
  PORT: String(port),
  // Top-ups through the simulator's gateway, which outlives the bot and notifies it on PORT.
  GATEWAY: "midtrans",
  MIDTRANS_BASE_URL: sim.gatewayUrl,
  MIDTRANS_SERVER_KEY: GATEWAY_SIMULATOR_SERVER_KEY,
  PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  // A virtual account for the orders the gateway never pays, and expiries short enough to happen (cancel, close, late looks).
  TOPUP_METHODS: "qris,bca_va",
  TOPUP_EXPIRY_MINUTES: "1",
  LOG_LEVEL: "warn",
  CONSOLE: "false",
  // Auto-payments are due from 00:00 WIB, so today's fire as soon as they are planned; look every second.
  REMINDER_HOUR: "0",
  REMINDER_TICK_SECONDS: "1",
  SOAK_CLOCK_OFFSET_MS: String(CLOCK_OFFSET_MS),
};

let bot: ChildProcess | null = null;
function startBot(): void {
  // The bot's own log (warn and up) is kept beside the databases, for a look when something fails.
  bot = spawn(process.execPath, ["--import", "tsx", "--import", "./bench/soak-clock.ts", "src/main.ts"], {
    env,
    stdio: ["ignore", openSync(join(dir, "bot.log"), "a"), "pipe"],
  });
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

/** Top-up amounts: most paid as ordered; the endings pick the gateway simulator's scenarios (docs/gateway.md#simulator-scenarios). */
const TOPUP_AMOUNTS = [50_000, 50_000, 75_000, 50_002, 50_003, 50_004, 50_001];

/**
 * A payer who reads the last message in the chat and does the sensible next thing, whatever
 * happened before. A top-up payer (`topups`) pays a bill's shortfall by QRIS rather than paying
 * from the balance, sometimes taps "check payment" while the QR is on screen, and now and then
 * tops up with /isi from the main menu.
 */
async function payer(chat: number, until: number, topups = false): Promise<void> {
  const user: FakeUser = { id: chat, first_name: "Soak" };
  const i = chat % 1_000;
  let product: "bpjs-kesehatan" | "bpjs-ketenagakerjaan" = "bpjs-kesehatan";
  let waits = 0;
  while (Date.now() < until) {
    const last = fake.botMessages(user.id).at(-1);
    const ids = last?.buttons.flat().map((b) => b.callback_data.split("|")[1] ?? "") ?? [];
    const has = (prefix: string) => ids.some((c) => c.startsWith(prefix));
    if (!has("topupcheck:")) waits = 0;
    const before = fake.calls.length;
    try {
      if (topups && has("topupbill:")) fake.tapChoice(user, "topupbill:");
      else if (topups && has("topupvia:")) {
        // An amount the gateway never pays goes to a virtual account, so the payer's QRIS stays free.
        const neverPaid = ids.some((c) => /^topupvia:.*00[14]$/.test(c));
        fake.tapChoice(user, neverPaid && has("topupvia:bca_va:") ? "topupvia:bca_va:" : "topupvia:qris:");
      } else if (topups && has("topupcheck:") && waits < 30) {
        // The order is on screen: mostly wait for the credit (the bill is then paid), sometimes ask; after 15 s, move on.
        waits++;
        if (rand(4) === 0) fake.tapChoice(user, "topupcheck:");
        else {
          await sleep(500);
          continue;
        }
      } else if (topups && ids.includes("product:bpjs-kesehatan") && rand(3) === 0) fake.sendText(user, `/isi ${TOPUP_AMOUNTS[rand(TOPUP_AMOUNTS.length)]!}`);
      else if (has("pay:")) fake.tapChoice(user, "pay:");
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
      w < 40 &&
      fake.calls
        .slice(before)
        .every((c) => !(c.method === "sendMessage" || c.method === "editMessageText" || c.method === "sendPhoto") || Number(c.payload.chat_id) !== user.id);
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

/**
 * Payers with auto-pay due today, written straight into the database while the bot runs (its busy
 * timeout covers the contention); every restart of the bot plans them. Endings as above: most paid,
 * some pending (then paid), some failing at the provider.
 */
const AUTOPAY_ENDINGS = ["2222", "2222", "2222", "3333", "1039", "1037", "1105"];
const seeder = openDatabase(dbPath);
const seedRepos = createRepos(seeder);
let autopayPayers = 0;
function seedAutopayWave(): void {
  const now = botNow();
  const today = new Date(now + WIB_MS);
  const day = today.getUTCDate();
  const startOfDay = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), day) - WIB_MS;
  seeder
    .transaction(() => {
      for (let k = 0; k < AUTOPAY_WAVE; k++) {
        const i = autopayPayers++;
        const chat = String(71_000 + i);
        const u = seedRepos.users.create({ platform: "telegram", externalId: chat, address: chat, locale: "id", now });
        seedRepos.ledger.post({ userId: u.id, amount: 100_000_000, kind: "topup", actor: "soak", now });
        const number = `89${String(i).padStart(7, "0")}${AUTOPAY_ENDINGS[rand(AUTOPAY_ENDINGS.length)]!}`;
        seedRepos.savedNumbers.save(u.id, "bpjs-kesehatan", number, `Auto ${i}`, now);
        const saved = seedRepos.savedNumbers.list(u.id)[0]!;
        // Confirmed before today's due time (00:00 WIB), as a payer who set it up last month would have.
        seedRepos.reminderSettings.enableAutopay({
          userId: u.id,
          savedNumberId: saved.id,
          day,
          ceiling: 10_000_000,
          by: `telegram:${u.public_id}`,
          now: startOfDay - 3_600_000,
        });
      }
    })
    .immediate();
}

startBot();
await serving();
const until = Date.now() + SECONDS * 1000;
const payers = [
  ...Array.from({ length: PAYERS }, (_, i) => payer(70_000 + i, until)),
  ...Array.from({ length: TOPUP_PAYERS }, (_, i) => payer(72_000 + i, until, true)),
];
const waves = (async () => {
  while (Date.now() < until - 3000) {
    seedAutopayWave();
    await sleep(1500 + rand(2000));
  }
})();
let kills = 0;
/** Auto-payments caught mid-way by a kill: claimed (inquiry or payment under way, or pending at the provider). */
let autopaysCaughtByKills = 0;
const inFlightAutopays = () =>
  (seeder.prepare("SELECT COUNT(*) AS n FROM reminder_runs WHERE kind = 'autopay' AND status = 'claimed'").get() as { n: number }).n;
while (Date.now() < until - 3000) {
  // Killed at a random moment of serving (not while it still starts: a slow start would be all it did).
  await sleep(1500 + rand(4000));
  autopaysCaughtByKills += inFlightAutopays();
  await killBot("SIGKILL");
  kills++;
  await sleep(rand(500));
  startBot();
  await serving();
}
await Promise.all([...payers, waves]);
// One more restart, so the last wave of auto-payments is planned too (and one more kill to survive).
autopaysCaughtByKills += inFlightAutopays();
seeder.close();
await killBot("SIGKILL");
kills++;
startBot();

// Let the bot finish everything: pending payments settle, "never received" is trusted after its grace.
console.log(`driving done (${kills} kills); waiting for every payment to settle…`);
const watch = new Database(dbPath, { readonly: true });
// This month's auto-payments (next month's are planned too, and wait for their day).
const period = new Date(botNow() + WIB_MS).toISOString().slice(0, 7);
const open = () =>
  (watch.prepare("SELECT COUNT(*) AS n FROM transactions WHERE status IN ('paying','pending')").get() as { n: number }).n +
  (
    watch.prepare("SELECT COUNT(*) AS n FROM reminder_runs WHERE kind = 'autopay' AND period = ? AND status IN ('planned','claimed')").get(period) as {
      n: number;
    }
  ).n;
/** Orders the gateway settled that are not credited here yet (a notification lost to a kill waits for the poller). */
const gatewayOrders = async () => (await (await fetch(`${sim.gatewayUrl}/__sim/orders`)).json()) as { orderId: string; amount: number; status: string }[];
const uncredited = async () => {
  const credited = new Set((watch.prepare("SELECT order_id FROM ledger WHERE order_id IS NOT NULL").all() as { order_id: string }[]).map((r) => r.order_id));
  return (await gatewayOrders()).filter((o) => o.status === "settlement" && !credited.has(o.orderId)).length;
};
const settleBy = Date.now() + 240_000;
while ((open() > 0 || (await uncredited()) > 0) && Date.now() < settleBy) await sleep(1000);
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
const chatOf = new Map((db.prepare("SELECT id, address FROM users").all() as { id: number; address: string }[]).map((u) => [u.id, Number(u.address)]));
for (const tx of txs.filter((t) => t.status === "paid" || t.status === "failed")) {
  const chat = chatOf.get(tx.user_id) ?? -1;
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
// Auto-payments (docs/reminders.md): one per number per period whatever the kills did, each run
// finished, and each run's end agreeing with its payment.
const runs = db
  .prepare(
    `SELECT r.id, r.saved_number_id, r.period, r.status, r.reason, r.tx_ref, t.status AS tx_status, s.number
     FROM reminder_runs r LEFT JOIN transactions t ON t.ref = r.tx_ref LEFT JOIN saved_numbers s ON s.id = r.saved_number_id
     WHERE r.kind = 'autopay' AND r.period = ?`,
  )
  .all(period) as {
  id: number;
  saved_number_id: number;
  period: string;
  status: string;
  reason: string | null;
  tx_ref: string | null;
  tx_status: string | null;
  number: string;
}[];
const perKey = new Map<string, number>();
for (const r of runs) perKey.set(`${r.saved_number_id}|${r.period}`, (perKey.get(`${r.saved_number_id}|${r.period}`) ?? 0) + 1);
for (const [key, n] of perKey) if (n > 1) violations.push(`auto-pay ${key} has ${n} runs`);
for (const r of runs) {
  if (!["done", "skipped", "failed"].includes(r.status)) violations.push(`auto-pay run ${r.id} left ${r.status}`);
  if (r.status === "done" && r.tx_status !== "paid") violations.push(`auto-pay run ${r.id} done but its payment is ${r.tx_status ?? "missing"}`);
  if (r.status === "failed" && r.tx_status === "paid") violations.push(`auto-pay run ${r.id} failed but its payment was made`);
}
const autopayNumbers = new Set(runs.map((r) => r.number));
const paidPerNumber = db
  .prepare("SELECT customer_number AS number, COUNT(*) AS n FROM transactions WHERE status = 'paid' AND customer_number LIKE '89%' GROUP BY customer_number")
  .all() as { number: string; n: number }[];
for (const p of paidPerNumber) if (p.n > 1) violations.push(`auto-pay number ${p.number} paid ${p.n} times in one period`);
for (const p of paidPerNumber) {
  if (!autopayNumbers.has(p.number)) continue;
  const run = runs.find((r) => r.number === p.number);
  if (run?.status !== "done") violations.push(`auto-pay number ${p.number} paid, but its run is ${run?.status ?? "missing"} (${run?.reason ?? "-"})`);
}
// Top-ups (docs/topups.md): every order the gateway settled credited exactly once, at its amount;
// no credit for an order it did not settle.
const simOrders = await gatewayOrders();
const credits = db.prepare("SELECT order_id, amount FROM ledger WHERE order_id IS NOT NULL").all() as { order_id: string; amount: number }[];
const creditsOf = new Map<string, number[]>();
for (const c of credits) creditsOf.set(c.order_id, [...(creditsOf.get(c.order_id) ?? []), c.amount]);
const simOrderOf = new Map(simOrders.map((o) => [o.orderId, o]));
for (const o of simOrders.filter((x) => x.status === "settlement")) {
  const got = creditsOf.get(o.orderId) ?? [];
  if (got.length !== 1) violations.push(`order ${o.orderId} settled at the gateway, credited ${got.length} times`);
  else if (got[0] !== o.amount) violations.push(`order ${o.orderId} settled for ${o.amount}, credited ${got[0]}`);
}
for (const [orderId] of creditsOf) {
  const o = simOrderOf.get(orderId);
  if (o?.status !== "settlement") violations.push(`order ${orderId} credited, but ${o?.status ?? "unknown"} at the gateway`);
}
const orders = db.prepare("SELECT order_id, status, bill_ref FROM topup_orders").all() as { order_id: string; status: string; bill_ref: string | null }[];
const txStatusOf = new Map(txs.map((t) => [t.ref, t.status]));
const shortfallBillsPaid = orders.filter((o) => o.status === "paid" && o.bill_ref !== null && txStatusOf.get(o.bill_ref) === "paid").length;
const autopayStatus = (status: string) => runs.filter((r) => r.status === status).length;
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
    autopay_numbers: autopayPayers,
    autopay_done: autopayStatus("done"),
    autopay_failed: autopayStatus("failed"),
    autopay_skipped: autopayStatus("skipped"),
    autopay_claimed_at_kills: autopaysCaughtByKills,
    autopay_retried: (db.prepare("SELECT COUNT(*) AS n FROM reminder_runs WHERE kind = 'autopay' AND attempts > 1").get() as { n: number }).n,
    topup_orders: orders.length,
    topup_settled_at_gateway: simOrders.filter((o) => o.status === "settlement").length,
    topup_credited: creditsOf.size,
    topup_open_at_end: orders.filter((o) => o.status === "pending").length,
    shortfall_bills_paid: shortfallBillsPaid,
    violations: violations.length,
  }),
);
for (const v of violations.slice(0, 30)) console.log(`VIOLATION ${v}`);
db.close();
await fake.close();
await sim.stop();
process.exit(violations.length === 0 ? 0 : 1);
