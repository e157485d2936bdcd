import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { DashboardClient, linkFromChat, listen, onServer, signIn } from "../helpers/dashboard-client.ts";
import { hashSecret } from "../../src/dashboard/secrets.ts";

const HTTPS = { PUBLIC_BASE_URL: "https://loket.example.com" };
const tokenOf = (link: string) => new URL(link, "http://x").searchParams.get("token")!;
const audit = (h: { app: { db: { prepare(sql: string): { all(): unknown[] } } } }) =>
  h.app.db.prepare("SELECT actor, action FROM audit WHERE action LIKE 'dashboard%' ORDER BY id").all();

describe("dashboard login by one-time link", () => {
  it("/dashboard sends an admin a link built on PUBLIC_BASE_URL; the token is stored only hashed", async ({ bot }) => {
    const h = await bot(HTTPS);
    const link = await linkFromChat(h);
    expect(link).toMatch(/^https:\/\/loket\.example\.com\/admin\/login\?token=[A-Za-z0-9_-]{43}$/);
    expect(h.payer("9000").lastText()).toContain("10 menit");
    const rows = h.app.db.prepare("SELECT * FROM dashboard_links").all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ token_hash: hashSecret(tokenOf(link)), platform: "telegram", external_id: "9000" });
    expect(JSON.stringify(rows)).not.toContain(tokenOf(link));
    expect(audit(h)).toEqual([{ actor: rows[0]!.actor, action: "dashboard_link" }]);
  });

  it("nobody but a listed admin obtains a link: a payer (or a near-miss id) gets the ordinary unknown-command answer", async ({ bot }) => {
    const h = await bot(HTTPS);
    for (const id of ["8001", "900", "90000", "19000"]) expect(await h.payer(id).say("/dashboard")).toContain("Perintah tidak dikenal");
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM dashboard_links").get()).toEqual({ n: 0 });
  });

  it("opening the link shows whose it is and spends nothing; the button signs in with a cookie: HttpOnly, SameSite=Strict, Secure on https, 12 hours", async ({
    bot,
  }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    const path = onServer(await linkFromChat(h));
    // A chat app's link preview fetches the page: the link still works afterwards.
    for (let i = 0; i < 2; i++) {
      const page = await c.get(path);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Masuk sebagai telegram:");
    }
    const res = await c.post("/admin/login", { token: tokenOf(path) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin");
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith("loket_admin="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).toMatch(/Path=\/admin/);
    const overview = await c.get("/admin");
    expect(overview.status).toBe(200);
    expect(await overview.text()).toContain("Ringkasan");
    expect(audit(h).map((a) => (a as { action: string }).action)).toEqual(["dashboard_link", "dashboard_login"]);
    // The session row holds the cookie's hash, never the cookie.
    const secret = c.cookies.get("loket_admin")!;
    expect(h.app.db.prepare("SELECT id_hash FROM dashboard_sessions").all()).toEqual([{ id_hash: hashSecret(secret) }]);
  });

  it("without https in PUBLIC_BASE_URL the cookie is not marked Secure (plain http would never send it back)", async ({ bot }) => {
    const h = await bot({ PUBLIC_BASE_URL: "http://192.0.2.10:8080" });
    const c = new DashboardClient(await listen(h));
    const res = await signIn(h, c);
    expect(res.headers.getSetCookie().find((l) => l.startsWith("loket_admin="))).not.toMatch(/Secure/);
  });

  it("a link cannot be replayed: the second use is refused and starts no session", async ({ bot }) => {
    const h = await bot(HTTPS);
    const base = await listen(h);
    const link = await linkFromChat(h);
    const first = new DashboardClient(base);
    expect((await first.post("/admin/login", { token: tokenOf(link) })).status).toBe(303);
    const second = new DashboardClient(base);
    const replay = await second.post("/admin/login", { token: tokenOf(link) });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("sudah dipakai");
    expect(second.cookies.size).toBe(0);
    expect((await second.get(onServer(link))).status).toBe(400);
    expect(h.app.db.prepare("SELECT COUNT(*) AS n FROM dashboard_sessions").get()).toEqual({ n: 1 });
  });

  it("a link is valid for 10 minutes", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    const link = await linkFromChat(h);
    h.clock.advance(10 * 60_000);
    expect((await c.get(onServer(link))).status).toBe(400);
    expect((await c.post("/admin/login", { token: tokenOf(link) })).status).toBe(400);
    expect(c.cookies.size).toBe(0);
  });

  it("forged tokens are refused: random, blank, junk, oversized, the stored hash itself", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    const link = await linkFromChat(h);
    const hash = hashSecret(tokenOf(link));
    for (const token of ["A".repeat(43), "", "'; DROP TABLE users; --", "x".repeat(5000), hash, `${tokenOf(link)}x`]) {
      expect((await c.post("/admin/login", { token })).status).toBe(400);
    }
    expect(c.cookies.size).toBe(0);
    // …and the real one still works.
    expect((await c.post("/admin/login", { token: tokenOf(link) })).status).toBe(303);
  });

  it("an admin taken off the list can neither use a link sent before nor keep a session", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    await signIn(h, c);
    const link = await linkFromChat(h);
    h.app.config.admins.telegram.splice(0); // ADMIN_TELEGRAM_IDS emptied (as after a restart with a new list)
    expect((await c.get("/admin")).status).toBe(303);
    const other = new DashboardClient(c.base);
    const res = await other.post("/admin/login", { token: tokenOf(link) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("bukan admin");
    expect(other.cookies.size).toBe(0);
  });
});

describe("dashboard sessions", () => {
  const PAGES = [
    "/admin",
    "/admin/transactions",
    "/admin/transactions/LK0000000000AA",
    "/admin/queue",
    "/admin/broadcasts",
    "/admin/audit",
    "/admin/export",
    "/admin/export.csv?from=2026-11-01&to=2026-11-30",
    "/admin/orders",
    "/admin/nothing-here",
  ];

  it("every /admin page without a valid session redirects to the 'send /dashboard' page; every POST is 401", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    for (const path of PAGES) {
      const res = await c.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location"), path).toBe("/admin/signin");
    }
    const signin = await c.get("/admin/signin");
    expect(signin.status).toBe(200);
    expect(await signin.text()).toContain("kirim /dashboard");
    for (const path of ["/admin/logout", "/admin/queue/LK0000000000AA/resolve", "/admin/requests/1/approve", "/admin/requests/1/reject"]) {
      const res = await c.post(path, { csrf: "x", verdict: "paid" });
      expect(res.status, path).toBe(401);
    }
  });

  it("a session cannot be forged: a made-up cookie, the stored hash, junk — all refused", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    await signIn(h, c);
    const real = c.cookies.get("loket_admin")!;
    for (const forged of ["B".repeat(43), hashSecret(real), `${real.slice(0, -1)}${real.endsWith("A") ? "B" : "A"}`, "", "%00"]) {
      const stranger = new DashboardClient(c.base);
      stranger.cookies.set("loket_admin", forged);
      expect((await stranger.get("/admin")).status).toBe(303);
    }
    expect((await c.get("/admin")).status).toBe(200);
  });

  it("logout ends the session for good: the same cookie replayed afterwards is refused", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    await signIn(h, c);
    const cookie = c.cookies.get("loket_admin")!;
    const res = await c.post("/admin/logout", { csrf: await c.csrf() });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/signin?why=signed_out");
    expect(c.cookies.has("loket_admin")).toBe(false);
    const replay = new DashboardClient(c.base);
    replay.cookies.set("loket_admin", cookie);
    expect((await replay.get("/admin")).status).toBe(303);
    expect((await replay.post("/admin/logout", { csrf: "anything" })).status).toBe(401);
    expect(audit(h).map((a) => (a as { action: string }).action)).toEqual(["dashboard_link", "dashboard_login", "dashboard_logout"]);
  });

  it("a session ends 12 hours after login", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    await signIn(h, c);
    h.clock.advance(12 * 3_600_000 - 1);
    expect((await c.get("/admin")).status).toBe(200);
    h.clock.advance(1);
    expect((await c.get("/admin")).status).toBe(303);
  });

  it("two admins each have their own session; one logging out leaves the other", async ({ bot }) => {
    const h = await bot({ ...HTTPS, ADMIN_TELEGRAM_IDS: "9000,9001" });
    const base = await listen(h);
    const a = new DashboardClient(base);
    const b = new DashboardClient(base);
    await signIn(h, a, "9000");
    await signIn(h, b, "9001");
    await a.post("/admin/logout", { csrf: await a.csrf() });
    expect((await a.get("/admin")).status).toBe(303);
    expect((await b.get("/admin")).status).toBe(200);
  });

  it("DASHBOARD=false: nothing is mounted under /admin, and /dashboard says the dashboard is off", async ({ bot }) => {
    const h = await bot({ ...HTTPS, DASHBOARD: "false" });
    expect(h.app.http.hasRoutes()).toBe(false);
    expect(await h.payer("9000").say("/dashboard")).toContain("dimatikan");
    const base = await listen(h);
    expect((await fetch(`${base}/admin`)).status).toBe(404);
  });
});

describe("dashboard CSRF", () => {
  it("a form without the session's token, with another session's token, or posted from another site is refused and changes nothing", async ({ bot }) => {
    const h = await bot(HTTPS);
    const base = await listen(h);
    const a = new DashboardClient(base);
    const b = new DashboardClient(base);
    await signIn(h, a);
    await signIn(h, b);
    const tokenB = await b.csrf();
    expect((await a.post("/admin/logout", {})).status).toBe(403);
    expect((await a.post("/admin/logout", { csrf: "" })).status).toBe(403);
    expect((await a.post("/admin/logout", { csrf: tokenB })).status).toBe(403);
    // The right token, from another site's page: Hono's Origin check refuses it before anything reads it.
    const tokenA = await a.csrf();
    expect((await a.post("/admin/logout", { csrf: tokenA }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await a.post("/admin/logout", { csrf: tokenA }, { origin: "null" })).status).toBe(403);
    expect((await a.get("/admin")).status).toBe(200);
    // From the public address (a proxy in front) or this server itself, with the token: accepted.
    expect((await a.post("/admin/logout", { csrf: tokenA }, { origin: "https://loket.example.com" })).status).toBe(303);
    expect((await b.post("/admin/logout", { csrf: tokenB })).status).toBe(303);
  });

  it("a login form posted from another site is refused", async ({ bot }) => {
    const h = await bot(HTTPS);
    const c = new DashboardClient(await listen(h));
    const link = await linkFromChat(h);
    expect((await c.post("/admin/login", { token: tokenOf(link) }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await c.post("/admin/login", { token: tokenOf(link) })).status).toBe(303);
  });

  it("a link's token does not rest in the database once the link is sent: the outbox keeps a note without it", async ({ bot }) => {
    const h = await bot({ PUBLIC_BASE_URL: "https://loket.example.com" });
    const link = await linkFromChat(h);
    const token = new URL(link).searchParams.get("token")!;
    await h.settle();
    const rows = h.app.db.prepare("SELECT payload FROM outbox WHERE sent_at IS NOT NULL").all() as { payload: string }[];
    expect(rows.filter((r) => r.payload.includes(token))).toEqual([]);
    expect(rows.some((r) => r.payload.includes("/dashboard"))).toBe(true);
    // The link itself still works: the admin got it.
    const c = new DashboardClient(await listen(h));
    expect((await c.post("/admin/login", { token })).status).toBe(303);
  });
});
