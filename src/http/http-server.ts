import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";

/** Something that answers requests under a path prefix: a Hono app, typically. */
export interface Mountable {
  fetch(request: Request): Response | Promise<Response>;
}

export interface HttpServer {
  /**
   * Answers every request whose path is `prefix` or starts with `prefix/` with `handler` (the
   * longest prefix wins). May be called before or after `listen`. `maxBodyBytes` raises the body
   * cap for this mount only (the WhatsApp Cloud webhook: Meta posts up to 3 MB).
   */
  mount(prefix: string, handler: Mountable, options?: { maxBodyBytes?: number }): void;
  /** Whether anything is mounted (the server only listens when something needs it). */
  hasRoutes(): boolean;
  /** Starts listening (once; later calls give the same address). */
  listen(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/**
 * A Hono app for one mounted area, whose failures are logged and answered 500 with no detail: a
 * stack trace never reaches the caller.
 */
export function createRouter(log: Logger): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    log.error({ err, path: c.req.path }, "HTTP request failed");
    return c.json({ ok: false, error: "internal error" }, 500);
  });
  return app;
}

/** No request body the bot accepts is anywhere near this (a Telegram update, a gateway notice). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The bot's one HTTP server on PORT (docs/architecture.md#http): the Telegram webhook, the payment
 * gateway's notifications, the WhatsApp Cloud webhook and the dashboard each mount under their own
 * path. Security headers on every answer, bodies capped, unknown paths 404, and errors answered
 * 500 without a stack trace (which goes to the log).
 */
export function createHttpServer(options: { port: number; host: string; log: Logger }): HttpServer {
  type Limit = ReturnType<typeof bodyLimit>;
  const mounts: { prefix: string; handler: Mountable; limit: Limit }[] = [];
  const limitOf = (maxSize: number): Limit => bodyLimit({ maxSize, onError: (c) => c.json({ ok: false, error: "payload too large" }, 413) });
  const defaultLimit = limitOf(MAX_BODY_BYTES);
  const mountOf = (path: string) => mounts.find((m) => path === m.prefix || path.startsWith(m.prefix.endsWith("/") ? m.prefix : `${m.prefix}/`));
  const root = new Hono();
  root.use("*", secureHeaders());
  root.use("*", (c, next) => (mountOf(c.req.path)?.limit ?? defaultLimit)(c, next));
  root.all("*", async (c) => {
    const mount = mountOf(c.req.path);
    if (mount === undefined) return c.json({ ok: false }, 404);
    return mount.handler.fetch(c.req.raw);
  });
  root.onError((err, c) => {
    options.log.error({ err, path: c.req.path }, "HTTP request failed");
    return c.json({ ok: false, error: "internal error" }, 500);
  });
  let server: ServerType | null = null;
  let listening: Promise<AddressInfo> | null = null;

  return {
    mount(prefix, handler, opts = {}) {
      const normalized = prefix === "/" ? "" : prefix.replace(/\/$/, "");
      // Mounting a prefix again replaces it (a transport started anew).
      const at = mounts.findIndex((m) => m.prefix === normalized);
      if (at >= 0) mounts.splice(at, 1);
      mounts.push({ prefix: normalized, handler, limit: opts.maxBodyBytes === undefined ? defaultLimit : limitOf(opts.maxBodyBytes) });
      mounts.sort((a, b) => b.prefix.length - a.prefix.length);
    },
    hasRoutes: () => mounts.length > 0,
    listen() {
      listening ??= new Promise((resolve, reject) => {
        const s = serve({ fetch: root.fetch, port: options.port, hostname: options.host }, (info) => resolve(info as AddressInfo));
        s.once("error", reject);
        server = s;
      });
      return listening;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (server === null) return resolve();
        const s = server;
        server = null;
        listening = null;
        s.close(() => resolve());
        (s as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      });
    },
  };
}
