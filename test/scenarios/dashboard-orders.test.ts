import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import type { Harness } from "../helpers/app-harness.ts";
import { DashboardClient, listen, signIn } from "../helpers/dashboard-client.ts";
import { gatewayDay, manyOrders, ORDERS_ENV, type GatewayDay } from "../helpers/dashboard-orders.ts";
import { botWithGateway } from "../helpers/topups.ts";
import type { FakeGateway } from "../fakes/fake-gateway.ts";
import { DASHBOARD_CSP } from "../../src/dashboard/dashboard.ts";

type StartBot = Parameters<typeof botWithGateway>[0];
const HTTPS = { PUBLIC_BASE_URL: "https://loket.example.com" };

async function html(c: DashboardClient, path: string): Promise<string> {
  const res = await c.get(path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get("content-security-policy"), path).toBe(DASHBOARD_CSP);
  return res.text();
}

/** An app over the fake gateway, a morning of real orders, an admin signed in. */
async function withOrders(bot: StartBot): Promise<{ h: Harness; gw: FakeGateway; day: GatewayDay; c: DashboardClient }> {
  const { h, gw, url } = await botWithGateway(bot, { ...HTTPS, ...ORDERS_ENV });
  const day = await gatewayDay(h, gw, url);
  const c = new DashboardClient(await listen(h));
  await signIn(h, c);
  return { h, gw, day, c };
}

const publicId = (h: Harness, userId: number) => h.app.repos.users.findById(userId)!.public_id;

/** The order ids a list page shows, in order. */
const orderIds = (page: string) => [...page.matchAll(/<td class="mono">(LT[0-9A-Z]{12})<\/td>/g)].map((m) => m[1]!);

describe("dashboard: the gateway's top-up orders", () => {
  it("lists the real orders newest first: created and credited in WIB, payer, amount, method, status with the gateway's word and why, the bill", async ({
    bot,
  }) => {
    const { h, day, c } = await withOrders(bot);
    const overview = await html(c, "/admin");
    expect(overview).toContain('href="/admin/orders"');
    const page = await html(c, "/admin/orders");
    expect(orderIds(page)).toEqual([day.bill.order, day.review, day.open, day.paid, day.expired].map((o) => o.order_id));

    const rowOf = (orderId: string) => {
      const m = new RegExp(`<tr>\\s*<td>[^<]*</td>\\s*<td class="mono">${orderId}</td>([\\s\\S]*?)</tr>`).exec(page);
      if (!m) throw new Error(`no row for ${orderId}`);
      return m[0];
    };
    // Paid: credited time in WIB, the payer's public id leading to their orders, no bill.
    const paid = rowOf(day.paid.order_id);
    expect(paid).toContain("22-11-2026 10:16 WIB");
    expect(paid).toContain(`href="/admin/orders?q=${publicId(h, day.paid.user_id)}"`);
    expect(paid).toContain("Rp100.000");
    expect(paid).toContain('<span class="badge paid">dibayar</span>');
    expect(paid).toMatch(/<td>22-11-2026 10:16 WIB<\/td>\s*<td>-<\/td>/);
    // Expired: we cancelled it at the gateway at its expiry (the gateway's word is not repeated: it says the same).
    expect(rowOf(day.expired.order_id)).toContain('<span class="badge expired">kedaluwarsa</span></td>');
    // The open VA order: the bank, its number masked to the last four digits.
    const open = rowOf(day.open.order_id);
    expect(day.open.va_number).toMatch(/^\d{9,}$/);
    expect(open).toContain("VA BCA");
    expect(open).toContain(`${"*".repeat(day.open.va_number!.length - 4)}${day.open.va_number!.slice(-4)}`);
    expect(open).toContain('<span class="badge pending">menunggu pembayaran</span>');
    // Another amount paid: to review, with the amount the gateway reported.
    const review = rowOf(day.review.order_id);
    expect(review).toContain('<span class="badge needs_review">perlu diperiksa</span>');
    expect(review).toContain("dibayar Rp90.000, tidak sama dengan pesanan");
    expect(review).toContain("gateway: dibayar");
    // The shortfall's order names the bill it paid, linked.
    expect(rowOf(day.bill.order.order_id)).toContain(`<a class="mono" href="/admin/transactions/${day.bill.ref}">${day.bill.ref}</a>`);
    expect(h.app.repos.transactions.get(day.bill.ref)!.status).toBe("paid");

    // In English too.
    await c.get("/admin/lang/en");
    const en = await html(c, "/admin/orders");
    expect(en).toContain("Top-up orders");
    expect(en).toContain("Rp90.000 paid, not the amount ordered");
    expect(en).toContain('<span class="badge pending">waiting for payment</span>');
  });

  it("never shows a QR payload, a whole VA number or a gateway id; what the gateway stored is escaped", async ({ bot }) => {
    const { h, gw, day, c } = await withOrders(bot);
    // A refused charge whose code and message came from the gateway, full of markup.
    gw.nextCharge({ status: "refused", code: '<img src=x onerror="alert(1)">', message: "<script>alert(1)</script>" });
    const p = h.payer("7309");
    await p.say("/isi 60000");
    await p.tap("topupvia:qris:60000");
    await h.settle();
    const pages = [
      await html(c, "/admin/orders"),
      await html(c, `/admin/orders?q=${day.open.order_id}`),
      await html(c, "/admin/queue"),
      await html(c, "/admin"),
    ];
    const secrets = [...gw.orders.values()].flatMap((o) => [o.qrPayload, o.va?.number, o.gatewayId]).filter((s): s is string => s !== undefined);
    expect(secrets.length).toBeGreaterThan(5);
    for (const page of pages) {
      for (const secret of secrets) expect(page).not.toContain(secret);
      expect(page).not.toContain("COM.GO-JEK");
      expect(page).not.toMatch(/<img|<script>alert/);
    }
    const all = pages[0]!;
    expect(all).toContain('<span class="badge refused">ditolak gateway</span>');
    expect(all).toContain('kode <span class="mono">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</span>');
  });

  it("filters by status and method, finds an order by its id or a payer's orders by their id; junk is explained, never an error", async ({ bot }) => {
    const { h, day, c } = await withOrders(bot);
    expect(orderIds(await html(c, "/admin/orders?status=needs_review"))).toEqual([day.review.order_id]);
    expect(orderIds(await html(c, "/admin/orders?status=pending"))).toEqual([day.open.order_id]);
    expect(orderIds(await html(c, "/admin/orders?status=paid"))).toEqual([day.bill.order.order_id, day.paid.order_id]);
    expect(orderIds(await html(c, "/admin/orders?method=bca_va"))).toEqual([day.open.order_id]);
    expect(orderIds(await html(c, "/admin/orders?status=paid&method=bca_va"))).toEqual([]);
    expect(await html(c, "/admin/orders?status=paid&method=bca_va")).toContain("Tidak ada pesanan yang cocok.");
    // The selects remember the filter.
    expect(await html(c, "/admin/orders?status=expired")).toContain('<option value="expired" selected>');
    // An order id, in any case and with spaces around it.
    expect(orderIds(await html(c, `/admin/orders?q=${encodeURIComponent(` ${day.review.order_id.toLowerCase()} `)}`))).toEqual([day.review.order_id]);
    // A payer's public id: their orders (the link on every payer).
    const payer = publicId(h, day.paid.user_id);
    expect(orderIds(await html(c, `/admin/orders?q=${payer.toLowerCase()}`))).toEqual([day.paid.order_id]);
    expect(orderIds(await html(c, "/admin/orders?q=LT000000000000"))).toEqual([]);
    // Junk: dropped or said.
    const junk = await html(c, "/admin/orders?q=%3Cscript%3E&status=nope&method=gopay&before=1;DROP");
    expect(junk).toContain("Ketik ID pesanan");
    expect(junk).not.toContain("<script>");
    expect(orderIds(await html(c, "/admin/orders?status=nope&method=gopay&before=-1"))).toHaveLength(5);
    expect(await html(c, `/admin/orders?q=${"9".repeat(500)}`)).toContain("Pesanan isi saldo");
    expect(orderIds(await html(c, `/admin/orders?before=${"9".repeat(16)}`))).toHaveLength(5);
  });

  it("pages newest first, 50 a page, without overlap or gaps, keeping the filters", async ({ bot }) => {
    const { h } = await botWithGateway(bot, HTTPS);
    const orders = manyOrders(h, 130);
    const c = new DashboardClient(await listen(h));
    await signIn(h, c);
    const walk = async (start: string) => {
      const seen: string[] = [];
      const pages: number[] = [];
      let path: string | null = start;
      while (path !== null) {
        const page = await html(c, path);
        const ids = orderIds(page);
        seen.push(...ids);
        pages.push(ids.length);
        const next = /<a href="([^"]+)">Lebih lama →<\/a>/.exec(page);
        path = next ? next[1]!.replace(/&amp;/g, "&") : null;
        if (path !== null) expect(path).toContain(start.includes("?") ? start.slice(start.indexOf("?") + 1) : "before=");
      }
      return { seen, pages };
    };
    const all = await walk("/admin/orders");
    expect(all.pages).toEqual([50, 50, 30]);
    expect(all.seen).toEqual(orders.map((o) => o.order_id).reverse());
    const expired = await walk("/admin/orders?status=expired");
    expect(expired.pages).toEqual([50, 50, 4]);
    expect(expired.seen).toEqual(
      orders
        .filter((o) => o.status === "expired")
        .map((o) => o.order_id)
        .reverse(),
    );
    const qris = await walk("/admin/orders?status=expired&method=qris");
    expect(qris.pages).toEqual([50, 19]);
    expect(qris.seen).toEqual(
      orders
        .filter((o) => o.status === "expired" && o.method === "qris")
        .map((o) => o.order_id)
        .reverse(),
    );
  });

  it("the queue lists the orders that went to review with their age, read-only, and says to credit by hand with /topup", async ({ bot }) => {
    const { h, day, c } = await withOrders(bot);
    h.clock.advance(2 * 3_600_000 + 5 * 60_000);
    const page = await html(c, "/admin/queue");
    expect(page).toContain("1 pesanan isi saldo perlu diperiksa");
    expect(page).toContain("/topup");
    const row = new RegExp(`<tr>\\s*<td>([^<]*)</td>\\s*<td><a class="mono" href="/admin/orders\\?q=${day.review.order_id}">`).exec(page);
    expect(row?.[1]).toBe("2 j 5 mnt");
    expect(page).toContain("dibayar Rp90.000, tidak sama dengan pesanan");
    expect(page).toContain(publicId(h, day.review.user_id));
    // Read-only: no action of any kind for an order.
    expect(page).not.toMatch(/\/admin\/orders\/[^"]*\/(resolve|credit)/);
    expect(page).not.toMatch(new RegExp(`<form[^>]*${day.review.order_id}`));
  });

  it("the overview's top-up card: paid today and this month (count, amount), open now, needing review, each leading to its list", async ({ bot }) => {
    const { h, day, c } = await withOrders(bot);
    // Earlier this month, and last month, written through the repository.
    const repo = h.app.repos.topupOrders;
    const at = (iso: string) => Date.parse(iso);
    const earlier = (orderId: string, created: number, to: "paid" | "needs_review") => {
      repo.insert({
        orderId,
        userId: day.paid.user_id,
        gateway: "simulator",
        amount: 70_000,
        method: "bca_va",
        billRef: null,
        expiresAt: created + 900_000,
        nextCheckAt: created,
        now: created,
      });
      if (to === "paid") repo.markPaid({ orderId, paidAmount: 70_000, paidAt: null, now: created + 60_000 });
      else repo.markNeedsReview({ orderId, reason: "open_past_expiry", paidAmount: null, now: created + 86_400_000 });
    };
    earlier("LT0000000000M1", at("2026-11-03T02:00:00Z"), "paid");
    earlier("LT0000000000M2", at("2026-11-05T02:00:00Z"), "needs_review");
    earlier("LT0000000000P1", at("2026-10-31T16:30:00Z"), "paid"); // 31 Oct 23:30 WIB: last month
    earlier("LT0000000000P2", at("2026-10-20T02:00:00Z"), "needs_review");
    const page = await html(c, "/admin");
    const card = /<section class="card wide alert">([\s\S]*?)<\/section>/.exec(page)?.[1];
    expect(card).toBeDefined();
    const stat = (label: string) => {
      const m = new RegExp(`<span class="label">${label}</span><span class="value">(.*?)</span><span class="muted">(.*?)</span>`).exec(card!);
      if (!m) throw new Error(`no ${label} in ${card}`);
      return [m[1], m[2]];
    };
    const paidToday = day.paid.amount + day.bill.order.amount;
    expect(stat("Dibayar hari ini")).toEqual([`Rp${paidToday.toLocaleString("id-ID")}`, "2 pesanan"]);
    expect(stat("Dibayar bulan ini")).toEqual([`Rp${(paidToday + 70_000).toLocaleString("id-ID")}`, "3 pesanan"]);
    expect(stat("Menunggu pembayaran")).toEqual(['<a href="/admin/orders?status=pending">1</a>', "pesanan terbuka saat ini"]);
    expect(stat("Perlu diperiksa hari ini")[0]).toBe('<a href="/admin/orders?status=needs_review">1</a>');
    expect(stat("Perlu diperiksa bulan ini")).toEqual(['<a href="/admin/orders?status=needs_review">2</a>', "3 sejak awal"]);
    // The same paid figures as /stats.
    expect(await h.payer("9000").say("/stats")).toContain(`hari ini 2 (Rp${paidToday.toLocaleString("id-ID")})`);
    // The link leads to the filtered list (the most recently written first: these two were written last).
    expect(orderIds(await html(c, "/admin/orders?status=needs_review"))).toEqual(["LT0000000000P2", "LT0000000000M2", day.review.order_id]);
  });

  it("the card is calm and the page says so when there are no orders at all", async ({ bot }) => {
    const { h } = await botWithGateway(bot, HTTPS);
    const c = new DashboardClient(await listen(h));
    await signIn(h, c);
    const overview = await html(c, "/admin");
    expect(overview).toContain('<section class="card wide ">');
    expect(overview).toContain('<span class="value">Rp0</span><span class="muted">0 pesanan</span>');
    expect(await html(c, "/admin/orders")).toContain("Tidak ada pesanan yang cocok.");
    expect(await html(c, "/admin/queue")).toContain("Tidak ada pesanan isi saldo yang perlu diperiksa.");
  });
});
