import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import type { Harness } from "../helpers/app-harness.ts";
import { DashboardClient, listen, signIn } from "../helpers/dashboard-client.ts";
import { inquire, needsReview } from "../helpers/dashboard-data.ts";
import { DASHBOARD_CSP } from "../../src/dashboard/dashboard.ts";

const HTTPS = { PUBLIC_BASE_URL: "https://loket.example.com" };

async function signedIn(h: Harness): Promise<DashboardClient> {
  const c = new DashboardClient(await listen(h));
  await signIn(h, c);
  return c;
}

async function html(c: DashboardClient, path: string): Promise<string> {
  const res = await c.get(path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
  return res.text();
}

/** A paid payment (the simulator reports its deposit), a NIK product inquiry, a name full of HTML, a needs-review payment, an /isi request, a broadcast. */
async function businessDay(h: Harness): Promise<{ paid: string; nik: string; htmlName: string; review: string }> {
  const payer = h.payer("8001");
  const paid = await inquire(h, "8001", "bpjs-kesehatan", "8801234560000");
  await payer.tap(`pay:${paid}`);
  const nik = await inquire(h, "8002", "bpjs-ketenagakerjaan", "8102051011270000");
  const htmlName = await inquire(h, "8003", "bpjs-kesehatan", "8801234560999");
  const review = await needsReview(h, "8004", "8801234565555");
  await h.payer("8005").say("/isi 250000");
  await h.payer("9000").say("/broadcast Halo <semua> & selamat pagi");
  await h.payer("9000").tap("admin:yes");
  await h.settle();
  return { paid, nik, htmlName, review };
}

describe("dashboard pages", () => {
  it("every page renders, with the CSP and no caching, in Indonesian by default", async ({ bot }) => {
    const h = await bot(HTTPS);
    const refs = await businessDay(h);
    const c = await signedIn(h);
    for (const path of [
      "/admin",
      "/admin/transactions",
      `/admin/transactions/${refs.review}`,
      "/admin/queue",
      "/admin/broadcasts",
      "/admin/audit",
      "/admin/orders",
      "/admin/export",
    ]) {
      const res = await c.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-security-policy"), path).toBe(DASHBOARD_CSP);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      const text = await res.text();
      expect(text, path).toContain('<html lang="id">');
      // No inline script or style anywhere: the CSP would block them.
      expect(text, path).not.toMatch(/<script(?![^>]*(src=|type="application\/json"))/);
      expect(text, path).not.toMatch(/\sstyle=/);
      expect(text, path).not.toMatch(/\son[a-z]+=/);
    }
  });

  it("the overview: today and this month as /stats counts them, waiting payments, the deposit last reported, a 30-day chart with a table", async ({ bot }) => {
    const h = await bot(HTTPS);
    const refs = await businessDay(h);
    const c = await signedIn(h);
    const page = await html(c, "/admin");
    const paid = h.app.repos.transactions.get(refs.paid)!;
    expect(paid.status).toBe("paid");
    const stats = h.app.repos.stats.paidSince(0);
    expect(stats.count).toBe(1);
    expect(page).toContain(`Rp${paid.total!.toLocaleString("id-ID")}`);
    // The simulator's receipt carries the deposit left; the overview shows it per provider.
    const deposit = h.app.repos.providerDeposit.latest();
    expect(deposit).toHaveLength(1);
    expect(deposit[0]).toMatchObject({ provider: "simulator", ref: refs.paid });
    expect(page).toContain(`Rp${deposit[0]!.balance.toLocaleString("id-ID")}`);
    // Waiting: the needs-review payment and the /isi request.
    expect(page).toMatch(/perlu diperiksa<\/dt><dd>1</);
    expect(page).toMatch(/Permintaan isi saldo<\/dt><dd>1</);
    // Chart: uPlot and our script from this server, the numbers in a JSON block, the same in a table.
    expect(page).toContain('<script src="/admin/assets/uplot.min.js"></script>');
    const json = JSON.parse(/<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(page)![1]!) as { count: number[]; volume: number[] };
    expect(json.count).toHaveLength(30);
    expect(json.count.at(-1)).toBe(1);
    expect(json.volume.at(-1)).toBe(paid.total);
    expect(page).toContain('<details class="chart-table" id="chart-table" open>');
    expect(page).toContain('<td>2026-11-22</td><td class="num">1</td>');
  });

  it("the assets are served from this server: uPlot from its npm package, our stylesheet and chart script", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    for (const [name, type] of [
      ["uplot.min.js", "text/javascript"],
      ["uplot.min.css", "text/css"],
      ["dashboard.css", "text/css"],
      ["overview-chart.js", "text/javascript"],
    ] as const) {
      const res = await c.get(`/admin/assets/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get("content-type"), name).toContain(type);
      expect((await res.arrayBuffer()).byteLength, name).toBeGreaterThan(500);
    }
    expect((await c.get("/admin/assets/uPlot.cjs.js")).status).toBe(404);
    expect((await c.get("/admin/assets/..%2F..%2Fpackage.json")).status).toBe(404);
  });

  it("transactions: NIKs and names masked, every value escaped; search by ref or number; filters by status and product", async ({ bot }) => {
    const h = await bot(HTTPS);
    const refs = await businessDay(h);
    const c = await signedIn(h);
    const all = await html(c, "/admin/transactions");
    for (const ref of Object.values(refs)) expect(all).toContain(ref);
    expect(all).not.toContain("8102051011270000");
    expect(all).toContain("************0000");
    // The simulator's name full of HTML (SITI <B>&AMP; "ANI") arrives masked and escaped, never as markup.
    expect(all).not.toContain("<B");
    expect(all).toContain("SI** &lt;B****** &quot;A***");
    expect(all).not.toMatch(/SRI WAHYUNI|BUDI SANTOSO/);

    const byRef = await html(c, `/admin/transactions?q=${refs.review.toLowerCase()}`);
    expect(byRef).toContain(refs.review);
    expect(byRef).not.toContain(refs.paid);
    const byNumber = await html(c, "/admin/transactions?q=8801234560000");
    expect(byNumber).toContain(refs.paid);
    expect(byNumber).not.toContain(refs.review);
    const byStatus = await html(c, "/admin/transactions?status=needs_review");
    expect(byStatus).toContain(refs.review);
    expect(byStatus).not.toContain(refs.paid);
    const byProduct = await html(c, "/admin/transactions?product=bpjs-ketenagakerjaan");
    expect(byProduct).toContain(refs.nik);
    expect(byProduct).not.toContain(refs.paid);
    // Junk in a filter is dropped or said, never an error.
    expect(await html(c, "/admin/transactions?q=%3Cscript%3E&status=nope&product=x&before=1;DROP")).toContain("Ketik ref");
    expect(await html(c, `/admin/transactions?q=${"9".repeat(200)}`)).toContain("Transaksi");
  });

  it("transactions are paged newest first, 50 a page, without overlap or gaps", async ({ bot }) => {
    const h = await bot(HTTPS);
    const insert = h.app.db.prepare(
      "INSERT INTO transactions (ref, user_id, account, product, customer_number, status, fee, created_at, updated_at) VALUES (?, NULL, 'operator', 'bpjs-kesehatan', '8801234560000', 'expired', 0, ?, ?)",
    );
    // 120 rows, some sharing a creation time (the rowid breaks the tie).
    for (let i = 0; i < 120; i++) insert.run(`LK${String(i).padStart(12, "0")}`, h.clock.now() - Math.floor(i / 3) * 1000, 0);
    const c = await signedIn(h);
    const seen: string[] = [];
    let path: string | null = "/admin/transactions?status=expired";
    while (path !== null) {
      const page = await html(c, path);
      seen.push(...[...page.matchAll(/<td><a class="mono" href="\/admin\/transactions\/(LK\d{12})">/g)].map((m) => m[1]!));
      const next = /<a href="([^"]+)">Lebih lama →<\/a>/.exec(page);
      path = next ? next[1]!.replace(/&amp;/g, "&") : null;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    // Newest first; rows created at the same instant, the later-written first.
    expect(seen.slice(0, 4)).toEqual(["LK000000000002", "LK000000000001", "LK000000000000", "LK000000000005"]);
  });

  it("the queue lists waiting payments with their age and the /isi requests, each with its actions", async ({ bot }) => {
    const h = await bot(HTTPS);
    const refs = await businessDay(h);
    const c = await signedIn(h);
    const page = await html(c, "/admin/queue");
    expect(page).toContain(refs.review);
    expect(page).toContain(`/admin/queue/${refs.review}/resolve?verdict=paid`);
    expect(page).toContain(`/admin/queue/${refs.review}/resolve?verdict=failed`);
    expect(page).toMatch(/\d+ mnt/);
    expect(page).toContain("Rp250.000");
    expect(page).toMatch(/\/admin\/requests\/\d+\/approve/);
  });

  it("broadcasts with their progress, and the audit log, paged", async ({ bot }) => {
    const h = await bot(HTTPS);
    await businessDay(h);
    const c = await signedIn(h);
    const broadcasts = await html(c, "/admin/broadcasts");
    expect(broadcasts).toContain("Halo &lt;semua&gt; &amp; selamat pagi");
    expect(broadcasts).toMatch(/<progress value="\d+" max="\d+">/);
    for (let i = 0; i < 60; i++) h.app.repos.audit.record("test", `act_${i}`, { i, html: "<x>" }, h.clock.now());
    const audit = await html(c, "/admin/audit");
    expect(audit).toContain("act_59");
    expect(audit).not.toContain("act_5<");
    expect(audit).not.toContain("<x>");
    const older = /<a href="(\/admin\/audit\?before=\d+)">/.exec(audit)![1]!;
    const page2 = await html(c, older);
    expect(page2).toContain("dashboard_login");
    expect(page2).not.toContain("act_59");
  });

  it("the language switch: English on request, back to the same page; a foreign 'back' is never followed", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = await signedIn(h);
    const res = await c.get(`/admin/lang/en?back=${encodeURIComponent("/admin/transactions?status=paid")}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/transactions?status=paid");
    const page = await html(c, "/admin/transactions?status=paid");
    expect(page).toContain('<html lang="en">');
    expect(page).toContain("Transactions");
    for (const back of ["https://evil.example/admin", "//evil.example/admin", "/\\evil.example", "/telegram/hook", "javascript:alert(1)"]) {
      const r = await c.get(`/admin/lang/id?back=${encodeURIComponent(back)}`);
      expect(r.headers.get("location"), back).toBe("/admin");
    }
    expect(await html(c, "/admin")).toContain('<html lang="id">');
  });
});
