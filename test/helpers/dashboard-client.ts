import type { Harness } from "./app-harness.ts";

/**
 * A browser's part, for HTTP-level tests of the dashboard: a cookie jar, redirects not followed
 * (each step is checked), forms posted as a browser posts them (urlencoded, with an Origin).
 */
export class DashboardClient {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly base: string,
    private readonly origin: string = base,
  ) {}

  private cookieHeader(): Record<string, string> {
    return this.cookies.size === 0 ? {} : { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.base + path, { redirect: "manual", headers: { ...this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.base + path, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: this.origin, ...this.cookieHeader(), ...headers },
      body: new URLSearchParams(form).toString(),
    });
    this.remember(res);
    return res;
  }

  /** The CSRF token of the page at `path` (every signed-in page carries it in its logout form). */
  async csrf(path = "/admin"): Promise<string> {
    const body = await (await this.get(path)).text();
    const m = /name="csrf" value="([^"]+)"/.exec(body);
    if (!m) throw new Error(`no csrf field on ${path}`);
    return m[1]!;
  }
}

/** The HTTP server of a test app, listening on loopback. */
export async function listen(h: Harness): Promise<string> {
  const { port } = await h.app.http.listen();
  return `http://127.0.0.1:${port}`;
}

/** Asks for a link in chat as `adminId` and returns it as sent (the harness records every message). */
export async function linkFromChat(h: Harness, adminId = "9000"): Promise<string> {
  const reply = await h.payer(adminId).say("/dashboard");
  const m = /(https?:\/\/\S+\/admin\/login\?token=[A-Za-z0-9_-]+)/.exec(reply);
  if (!m) throw new Error(`no login link in: ${reply}`);
  return m[1]!;
}

/** A link's path and query on the test server (the link itself is built on PUBLIC_BASE_URL). */
export function onServer(link: string): string {
  const u = new URL(link);
  return u.pathname + u.search;
}

/** Signs `client` in through a link from chat: opens the link's page, presses its button. */
export async function signIn(h: Harness, client: DashboardClient, adminId = "9000"): Promise<Response> {
  const path = onServer(await linkFromChat(h, adminId));
  const page = await client.get(path);
  if (page.status !== 200) throw new Error(`login page answered ${page.status}`);
  const token = new URL(path, "http://x").searchParams.get("token")!;
  return client.post("/admin/login", { token });
}
