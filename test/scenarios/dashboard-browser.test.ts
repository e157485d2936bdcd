import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { describe, expect, onTestFinished } from "vitest";
import { it } from "../fixtures.ts";
import type { Harness } from "../helpers/app-harness.ts";
import { linkFromChat, listen, onServer } from "../helpers/dashboard-client.ts";
import { bulkPaid, inquire, needsReview } from "../helpers/dashboard-data.ts";
import { gatewayDay, ORDERS_ENV, type GatewayDay } from "../helpers/dashboard-orders.ts";
import { botWithGateway } from "../helpers/topups.ts";
import type { FakeGateway } from "../fakes/fake-gateway.ts";

/**
 * The dashboard in a real browser: Debian's Chromium, driven by playwright-core (no browser is ever
 * downloaded). Skipped, and said so, where /usr/bin/chromium is missing (`apt-get install -y chromium`).
 * Screenshots go to a temporary folder, or to docs/screenshots/ with UPDATE_SCREENSHOTS=1
 * (`npm run screenshots`), so an ordinary test run leaves the work tree alone.
 */
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`SKIPPED: the dashboard browser test needs ${CHROMIUM} (apt-get install -y chromium); it did not run.`);

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function launch(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), "loket-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
    timezoneId: "Asia/Jakarta",
  });
  onTestFinished(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return context;
}

function screenshotDir(): string {
  const dir =
    process.env.UPDATE_SCREENSHOTS === "1" ? resolve(import.meta.dirname, "..", "..", "docs", "screenshots") : mkdtempSync(join(tmpdir(), "loket-shots-"));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A business day worth looking at: 30 days of paid payments, an open queue, a morning of gateway
 * top-ups, an /isi request (left from before the gateway was configured: with one, /isi is a
 * gateway order), a broadcast.
 */
async function business(h: Harness, gw: FakeGateway, url: string): Promise<{ review: string; orders: GatewayDay }> {
  bulkPaid(h.app.db, 900, h.clock.now());
  const paid = await inquire(h, "8001", "bpjs-kesehatan", "8801234560000");
  await h.payer("8001").tap(`pay:${paid}`);
  await inquire(h, "8002", "bpjs-ketenagakerjaan", "8102051011270000");
  await inquire(h, "8003", "bpjs-kesehatan", "8801234560999");
  const review = await needsReview(h, "8004", "8801234565555");
  const orders = await gatewayDay(h, gw, url);
  await h.payer("8005").say("/start");
  h.app.repos.topupRequests.create(h.app.repos.users.findByIdentity("telegram", "8005")!.id, 250_000, h.clock.now());
  await h.payer("9000").say("/broadcast Iuran BPJS jatuh tempo tanggal 10. Bayar lewat Loket!");
  await h.payer("9000").tap("admin:yes");
  // Part of it delivered, for a progress bar worth a look (the harness runs no broadcast loop).
  h.app.db.exec("UPDATE broadcast_recipients SET state = 'sent' WHERE user_id IN (SELECT user_id FROM broadcast_recipients WHERE state = 'pending' LIMIT 4)");
  await h.settle();
  return { review, orders };
}

describe.skipIf(!hasChromium)("the dashboard in Chromium", () => {
  it("log in through the link from chat, read the overview, find a payment, settle it, export CSV", { timeout: 180_000 }, async ({ bot }) => {
    const { h, gw, url } = await botWithGateway(bot, ORDERS_ENV);
    const base = await listen(h);
    const { review, orders } = await business(h, gw, url);
    const shots = screenshotDir();
    const context = await launch();
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));

    // The link the admin got in chat (built on PUBLIC_BASE_URL), opened on this test's server.
    const link = await linkFromChat(h);
    await page.goto(base + onServer(link));
    await expect.poll(() => page.textContent("h1")).toBe("Dasbor Loket");
    await page.screenshot({ path: join(shots, "login.png") });
    await page.click("#login");
    await page.waitForURL(`${base}/admin`);

    // The overview: figures, and the chart drawn by uPlot (so the table behind it is folded away).
    await page.waitForSelector(".uplot canvas");
    expect(await page.locator("#chart-table").getAttribute("open")).toBeNull();
    expect(await page.textContent(".cards")).toContain("Hari ini");
    expect(await page.textContent(".card.wide")).toContain("Dibayar hari ini");
    await page.screenshot({ path: join(shots, "overview.png"), fullPage: true });

    // Top-up orders: from the overview's card to the orders needing review, then all of them.
    await page.click('.card.wide a[href="/admin/orders?status=needs_review"] >> nth=0');
    await page.waitForURL(`${base}/admin/orders?status=needs_review`);
    expect(await page.locator("tbody tr").count()).toBe(1);
    expect(await page.textContent("tbody")).toContain(orders.review.order_id);
    await page.click('nav a[href="/admin/orders"]');
    await page.waitForURL(`${base}/admin/orders`);
    expect(await page.locator("tbody tr").count()).toBe(5);
    const listed = await page.content();
    expect(listed).not.toContain(orders.open.va_number!);
    expect(listed).not.toContain(gw.orders.get(orders.paid.order_id)!.qrPayload!);
    await page.screenshot({ path: join(shots, "orders.png") });
    await page.selectOption('select[name="method"]', "bca_va");
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL(/method=bca_va/);
    expect(await page.locator("tbody tr").count()).toBe(1);

    // Transactions: the list, then a search by ref.
    await page.click('nav a[href="/admin/transactions"]');
    await page.waitForURL(`${base}/admin/transactions`);
    expect(await page.locator("tbody tr").count()).toBe(50);
    await page.screenshot({ path: join(shots, "transactions.png") });
    await page.fill('input[name="q"]', review);
    await page.click('form.filters button[type="submit"]');
    await page.waitForURL(/q=LK/);
    expect(await page.locator("tbody tr").count()).toBe(1);
    expect(await page.textContent("tbody")).toContain("perlu diperiksa");

    // Settle it as failed: the detail page, the confirmation, the queue with its answer.
    await page.click(`a[href="/admin/transactions/${review}"]`);
    await page.click(`a[href="/admin/queue/${review}/resolve?verdict=failed"]`);
    await page.waitForSelector("#confirm");
    await page.screenshot({ path: join(shots, "confirm-resolve.png") });
    await page.click("#confirm");
    await page.waitForURL(/\/admin\/queue\?done=resolved/);
    expect(await page.textContent(".flash")).toContain(`${review} sudah diselesaikan`);
    await page.screenshot({ path: join(shots, "queue.png"), fullPage: true });
    await h.settle();
    expect(h.app.repos.transactions.get(review)!.status).toBe("failed");
    expect(h.payer("8004").lastText()).toContain("gagal");

    // Export this month as CSV: a real download.
    await page.click('nav a[href="/admin/export"]');
    await page.fill('input[name="from"]', "2026-10-01");
    await page.fill('input[name="to"]', "2026-11-22");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    expect(download.suggestedFilename()).toBe("loket-transactions-2026-10-01_2026-11-22.csv");
    const csv = readFileSync((await download.path())!, "utf8")
      .split("\r\n")
      .filter(Boolean);
    expect(csv[0]).toMatch(/^ref,created_wib,/);
    expect(csv.length).toBeGreaterThan(900);
    expect(csv.join("\n")).not.toContain("8102051011270000");

    // English, on the same page; the broadcasts page; logging out.
    await page.click('a[lang="en"]');
    await page.waitForURL(`${base}/admin/export`);
    expect(await page.textContent("h1")).toBe("Export transactions (CSV)");
    await page.click('nav a[href="/admin/broadcasts"]');
    expect(await page.textContent("tbody")).toContain("Iuran BPJS");
    await page.screenshot({ path: join(shots, "broadcasts.png") });
    await page.click('header form button[type="submit"]');
    await page.waitForURL(/\/admin\/signin/);
    await page.goto(`${base}/admin`);
    await page.waitForURL(/\/admin\/signin/);

    // No CSP violation, no script error, anywhere on the way.
    expect(problems).toEqual([]);
  });
});
