import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer, createRouter, MAX_BODY_BYTES, type HttpServer } from "../../src/http/http-server.ts";
import { silentLogger } from "../../src/logger.ts";

let server: HttpServer | undefined;
afterEach(async () => server?.close());

async function start(): Promise<string> {
  server = createHttpServer({ host: "127.0.0.1", port: 0, log: silentLogger() });
  const hooks = new Hono();
  hooks.post("*", async (c) => c.json({ got: (await c.req.text()).length }));
  server.mount("/hooks/a", hooks);
  const boom = createRouter(silentLogger());
  boom.get("*", () => {
    throw new Error("secret stack detail");
  });
  server.mount("/boom", boom);
  const { port } = await server.listen();
  return `http://127.0.0.1:${port}`;
}

describe("the HTTP server", () => {
  it("routes by mounted prefix and answers anything else 404", async () => {
    const base = await start();
    expect(await (await fetch(`${base}/hooks/a`, { method: "POST", body: "xyz" })).json()).toEqual({ got: 3 });
    expect((await fetch(`${base}/hooks/ab`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${base}/`)).status).toBe(404);
  });

  it("sets security headers on every answer", async () => {
    const base = await start();
    const res = await fetch(`${base}/nothing`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it("refuses an oversized body with 413 before any handler reads it", async () => {
    const base = await start();
    const res = await fetch(`${base}/hooks/a`, { method: "POST", body: "x".repeat(MAX_BODY_BYTES + 1) });
    expect(res.status).toBe(413);
  });

  it("answers a failing handler 500 without the error's details", async () => {
    const base = await start();
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("secret stack detail");
  });

  it("a prefix mounted again replaces the old handler", async () => {
    const base = await start();
    const other = new Hono();
    other.post("*", (c) => c.text("new"));
    server!.mount("/hooks/a", other);
    expect(await (await fetch(`${base}/hooks/a`, { method: "POST" })).text()).toBe("new");
  });
});
