import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import type { AdminActions, ResolveOutcome } from "../admin/admin-actions.ts";
import { ADMIN_CREDIT_MAX } from "../admin/admin-actions.ts";
import type { DashboardSessionRow } from "../db/dashboard-auth-repo.ts";
import type { GroupCommitter } from "../db/group-commit.ts";
import type { Repos } from "../db/repos.ts";
import type { TxStatus } from "../db/transactions-repo.ts";
import { looksLikeRef } from "../domain/ref.ts";
import { isLocale, localeOr, type Locale, type Translate } from "../i18n.ts";
import { createRouter, type Mountable } from "../http/http-server.ts";
import { createAssets } from "./assets.ts";
import { transactionsCsv } from "./csv-export.ts";
import { pageTranslator, type Html, type PageContext } from "./html.ts";
import { BASE, publicPage } from "./layout.ts";
import { auditPage } from "./pages/audit.ts";
import { broadcastsPage } from "./pages/broadcasts.ts";
import { requestConfirmPage, resolveConfirmPage } from "./pages/confirm.ts";
import { exportPage } from "./pages/export.ts";
import { loginPage, signInPage } from "./pages/login.ts";
import { ordersPage, readOrderQuery } from "./pages/orders.ts";
import { overviewPage } from "./pages/overview.ts";
import { isFlash, queuePage, type Flash } from "./pages/queue.ts";
import { readTxQuery, transactionPage, transactionsPage, TX_STATUSES } from "./pages/transactions.ts";
import { csrfTokenFor, sameSecret } from "./secrets.ts";
import { SESSION_TTL_MS, type DashboardSessions } from "./sessions.ts";

const SESSION_COOKIE = "loket_admin";
const LANG_COOKIE = "loket_admin_lang";

/**
 * Scripts, styles and images from this origin only; no inline script (the chart's numbers travel in
 * a JSON data block, which is never run), no inline style, no framing, forms post only here.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

type Env = { Variables: { session: DashboardSessionRow; secret: string } };

export interface DashboardDeps {
  repos: Repos;
  commits: GroupCommitter;
  actions: AdminActions;
  sessions: DashboardSessions;
  t: Translate;
  now: () => number;
  log: Logger;
  /** Where admins reach the server (PUBLIC_BASE_URL): forms posted from there pass the Origin check, and https makes the cookie Secure. */
  publicBaseUrl: string;
  defaultLocale: Locale;
  topupConfirmAbove: number;
}

const WIB_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** 00:00 WIB of a YYYY-MM-DD date, or null for anything that is not a real date. */
function wibMidnight(date: string | undefined): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? "");
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(y, mo - 1, d);
  const back = new Date(utc);
  if (y < 2000 || y > 2999 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return utc - WIB_OFFSET_MS;
}

/** A page to come back to after the language switch: a path under /admin on this server, nothing else. */
function safeBack(back: string | undefined): string {
  if (back === undefined) return BASE;
  try {
    const url = new URL(back, "http://dashboard.invalid");
    if (url.origin !== "http://dashboard.invalid" || !(url.pathname === BASE || url.pathname.startsWith(`${BASE}/`))) return BASE;
    return url.pathname + url.search;
  } catch {
    return BASE;
  }
}

const positiveId = (value: string | undefined): number | undefined => (value !== undefined && /^\d{1,12}$/.test(value) ? Number(value) : undefined);

/**
 * The operator's dashboard under /admin (docs/dashboard.md): a Hono app mounted on the bot's one
 * HTTP server. Login by one-time link (sessions.ts), a session cookie, CSRF checks on every form
 * (Hono's Origin check and a per-session token), server-rendered pages in Indonesian and English,
 * and two actions that go through the chat commands' own code (admin-actions.ts).
 */
export function createDashboard(deps: DashboardDeps): Mountable {
  const { repos, sessions } = deps;
  const t = pageTranslator(deps.t);
  const assets = createAssets();
  const publicOrigin = new URL(deps.publicBaseUrl).origin;
  const secure = publicOrigin.startsWith("https:");
  const app = new Hono<Env>({ strict: false });

  const cookieLocale = (c: Context<Env>): Locale | null => {
    const v = getCookie(c, LANG_COOKIE);
    return v !== undefined && isLocale(v) ? v : null;
  };
  const localeOf = (c: Context<Env>, fallback?: string): Locale => cookieLocale(c) ?? localeOr(fallback, deps.defaultLocale);
  const send = (c: Context<Env>, body: Html, status: 200 | 400 | 401 | 403 | 404 = 200) => c.html(body, status);
  const refuse = (c: Context<Env>, status: 401 | 403, why: "signed_out" | "none" = "none") => {
    const l = localeOf(c);
    return send(c, status === 403 ? publicPage(l, t(l, "dashboard.forbidden.title"), t(l, "dashboard.forbidden.text")) : signInPage(l, t, why), status);
  };

  // Every answer: the CSP, and pages never cached (they show money and people).
  app.use("*", async (c, next) => {
    await next();
    c.header("Content-Security-Policy", DASHBOARD_CSP);
    if (!c.req.path.startsWith(`${BASE}/assets/`)) c.header("Cache-Control", "no-store");
  });

  // A form posted from another site is refused before anything reads it: its Origin (or
  // Sec-Fetch-Site) must be this server's, as the browser reports it or as PUBLIC_BASE_URL names it.
  const originCheck = csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin });
  app.use("*", async (c, next) => {
    try {
      await originCheck(c, next);
    } catch (err) {
      if (err instanceof HTTPException && err.status === 403) return refuse(c, 403);
      throw err;
    }
  });

  // --- Open to everyone: assets, the login link's page, the sign-in page, the language switch.

  app.get("/assets/:name", (c) => {
    const file = assets.get(c.req.param("name"));
    if (file === null) return c.notFound();
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": file.type, "Cache-Control": "public, max-age=3600" });
  });

  app.get("/login", (c) => {
    const token = c.req.query("token");
    const link = sessions.peek(token);
    if (!link || token === undefined) return send(c, signInPage(localeOf(c), t, "link_dead"), 400);
    const l = localeOf(c, link.locale);
    return send(c, loginPage(l, t, token, link));
  });

  app.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token : undefined;
    const result = await sessions.login(token);
    if (!result.ok) return send(c, signInPage(localeOf(c), t, result.why === "not_admin" ? "not_admin" : "link_dead"), 400);
    deps.log.info({ actor: result.session.actor }, "dashboard login");
    setCookie(c, SESSION_COOKIE, result.secret, { path: BASE, httpOnly: true, sameSite: "Strict", secure, maxAge: SESSION_TTL_MS / 1000 });
    return c.redirect(BASE, 303);
  });

  app.get("/signin", (c) => send(c, signInPage(localeOf(c), t, c.req.query("why") === "signed_out" ? "signed_out" : "none")));

  app.get("/lang/:locale", (c) => {
    const to = c.req.param("locale");
    if (isLocale(to)) setCookie(c, LANG_COOKIE, to, { path: BASE, httpOnly: true, sameSite: "Strict", secure, maxAge: 365 * 24 * 3600 });
    return c.redirect(safeBack(c.req.query("back")), 303);
  });

  // --- Everything below needs a session; every form also carries the session's CSRF token.

  app.use("*", async (c, next) => {
    const secret = getCookie(c, SESSION_COOKIE);
    const session = sessions.current(secret);
    if (session === null || secret === undefined) {
      if (c.req.method === "GET" || c.req.method === "HEAD") return c.redirect(`${BASE}/signin`, 303);
      return refuse(c, 401);
    }
    if (c.req.method === "POST") {
      const form = await c.req.parseBody();
      const token = typeof form.csrf === "string" ? form.csrf : "";
      if (!sameSecret(token, csrfTokenFor(secret))) return refuse(c, 403);
    }
    c.set("session", session);
    c.set("secret", secret);
    await next();
  });

  const context = (c: Context<Env>): PageContext => {
    const session = c.get("session");
    const url = new URL(c.req.url);
    return {
      l: localeOf(c, session.locale),
      t,
      now: deps.now(),
      csrf: csrfTokenFor(c.get("secret")),
      actor: session.actor,
      here: url.pathname + url.search,
    };
  };
  const notFound = (c: Context<Env>) => {
    const ctx = context(c);
    return send(c, publicPage(ctx.l, t(ctx.l, "dashboard.not_found.title"), t(ctx.l, "dashboard.not_found.text")), 404);
  };
  const backToQueue = (c: Context<Env>, flash: Flash, subject: string | number) =>
    c.redirect(`${BASE}/queue?done=${flash}&subject=${encodeURIComponent(String(subject))}`, 303);

  app.get("/", (c) => send(c, overviewPage(context(c), repos)));

  app.get("/transactions", (c) => send(c, transactionsPage(context(c), repos, deps.t, readTxQuery(c.req.query()))));

  app.get("/transactions/:ref", (c) => {
    const body = transactionPage(context(c), repos, deps.t, c.req.param("ref"));
    return body === null ? notFound(c) : send(c, body);
  });

  app.get("/queue", (c) => {
    const done = c.req.query("done");
    const subject = (c.req.query("subject") ?? "").slice(0, 20);
    const flash = isFlash(done) && /^[A-Za-z0-9]*$/.test(subject) ? { kind: done, subject } : null;
    return send(c, queuePage(context(c), repos, deps.t, flash));
  });

  // Settling a needs-review payment: a confirmation page, then the chat's /resolve (admin-actions.ts).
  app.get("/queue/:ref/resolve", (c) => {
    const ref = c.req.param("ref").toUpperCase();
    const verdict = c.req.query("verdict");
    if (!looksLikeRef(ref) || (verdict !== "paid" && verdict !== "failed")) return notFound(c);
    const body = resolveConfirmPage(context(c), repos, deps.t, ref, verdict);
    return body === null ? notFound(c) : send(c, body);
  });

  app.post("/queue/:ref/resolve", async (c) => {
    const ref = c.req.param("ref").toUpperCase();
    const form = await c.req.parseBody();
    const verdict = form.verdict;
    if (!looksLikeRef(ref) || (verdict !== "paid" && verdict !== "failed")) return notFound(c);
    const actor = c.get("session").actor;
    // The dashboard settles only what waits for a person; a pending payment is the reconciler's (docs/dashboard.md#actions).
    const outcome = await deps.commits.run((): ResolveOutcome => {
      const status: TxStatus | null = repos.transactions.get(ref)?.status ?? null;
      if (status !== "needs_review") return { kind: "not_open", status };
      return deps.actions.resolvePayment(actor, ref, verdict, deps.now(), "dashboard");
    });
    deps.log.info({ actor, ref, verdict, outcome: outcome.kind }, "dashboard resolve");
    if (outcome.kind === "resolved") return backToQueue(c, outcome.applied ? "resolved" : "not_open", ref);
    return backToQueue(c, outcome.kind, ref);
  });

  // Approving or rejecting an /isi request: a confirmation page, then the chat's decision (admin-actions.ts).
  app.get("/requests/:id/:decision{approve|reject}", (c) => {
    const id = positiveId(c.req.param("id"));
    const approve = c.req.param("decision") === "approve";
    const request = id === undefined ? undefined : repos.topupRequests.get(id);
    if (id === undefined || !request) return notFound(c);
    const rule = deps.actions.creditRule(request.amount);
    const body = requestConfirmPage(context(c), repos, id, approve, rule, { confirmAbove: deps.topupConfirmAbove, max: ADMIN_CREDIT_MAX });
    return body === null ? notFound(c) : send(c, body);
  });

  app.post("/requests/:id/:decision{approve|reject}", async (c) => {
    const id = positiveId(c.req.param("id"));
    if (id === undefined) return notFound(c);
    const approve = c.req.param("decision") === "approve";
    const form = await c.req.parseBody();
    const actor = c.get("session").actor;
    const flash = await deps.commits.run((): Flash => {
      const now = deps.now();
      if (!approve) return deps.actions.rejectRequest(actor, id, now, "dashboard");
      const approval = deps.actions.approvalOf(id);
      if (approval.kind !== "credit") return approval.kind;
      const rule = deps.actions.creditRule(approval.action.amount);
      if (rule === "too_large") return "too_large";
      // Above TOPUP_CONFIRM_ABOVE the box must be ticked: the chat's "are you sure?", in a form.
      if (rule === "confirm" && form.large !== "yes") return "confirm_large";
      return deps.actions.applyCredit(actor, approval.action, now, "dashboard").kind;
    });
    deps.log.info({ actor, request: id, approve, outcome: flash }, "dashboard top-up request decision");
    return backToQueue(c, flash, id);
  });

  app.get("/broadcasts", (c) => send(c, broadcastsPage(context(c), repos, positiveId(c.req.query("before")))));

  app.get("/audit", (c) => send(c, auditPage(context(c), repos, positiveId(c.req.query("before")))));

  app.get("/orders", (c) => send(c, ordersPage(context(c), repos, readOrderQuery(c.req.query()))));

  app.get("/export", (c) => send(c, exportPage(context(c), false)));

  app.get("/export.csv", async (c) => {
    const fromDay = c.req.query("from");
    const toDay = c.req.query("to");
    const from = wibMidnight(fromDay);
    const toStart = wibMidnight(toDay);
    const status = c.req.query("status");
    const statusOk = status === undefined || status === "" || (TX_STATUSES as readonly string[]).includes(status);
    if (from === null || toStart === null || toStart < from || !statusOk) return send(c, exportPage(context(c), true), 400);
    const range = { from, to: toStart + DAY_MS, ...(status ? { status: status as TxStatus } : {}) };
    const actor = c.get("session").actor;
    await deps.commits.run(() => repos.audit.record(actor, "dashboard_export", { from: fromDay, to: toDay, status: status || null }, deps.now()));
    return c.body(transactionsCsv(repos.txReports, range), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="loket-transactions-${fromDay}_${toDay}.csv"`,
    });
  });

  app.post("/logout", async (c) => {
    await sessions.logout(c.get("secret"), c.get("session"));
    deleteCookie(c, SESSION_COOKIE, { path: BASE, secure });
    return c.redirect(`${BASE}/signin?why=signed_out`, 303);
  });

  app.all("*", (c) => notFound(c));

  const router = createRouter(deps.log);
  router.get(`${BASE}/`, (c) => c.redirect(BASE, 308));
  router.route(BASE, app);
  return router;
}
