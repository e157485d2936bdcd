import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { Agent, MockAgent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ProviderTimeoutError } from "../../src/providers/errors.ts";
import { createHttpClient } from "../../src/providers/http.ts";
import { requestText } from "../../src/shared/http-request.ts";

const open: { server: Server; agent: Agent }[] = [];

async function serve(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ url: string; agent: Agent }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, Buffer.concat(chunks).toString("utf8"), res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  open.push({ server, agent });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, agent };
}

afterEach(async () => {
  for (const { server, agent } of open.splice(0)) {
    await agent.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("requestText", () => {
  it("sends the method, path, query, headers and body, and gives back the status and the whole body as text", async () => {
    const seen: { method?: string; url?: string; type?: string; body?: string } = {};
    const big = "é".repeat(100_000); // several chunks, multi-byte characters split across them
    const { url, agent } = await serve((req, body, res) => {
      Object.assign(seen, { method: req.method, url: req.url, type: req.headers["content-type"], body });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, big }));
    });
    const res = await requestText(agent, `${url}/bot123:abc/sendMessage?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"chat_id":1}',
    });
    expect(seen).toEqual({ method: "POST", url: "/bot123:abc/sendMessage?x=1", type: "application/json", body: '{"chat_id":1}' });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, big });
  });

  it("a body that starts with a UTF-8 byte order mark (a PHP backend's habit) is given without it, as undici's body.text() did", async () => {
    const { url, agent } = await serve((_req, _body, res) => {
      res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data":{"rc":"00"}}')]));
    });
    const res = await requestText(agent, `${url}/x`, { method: "POST", body: "{}" });
    expect(JSON.parse(res.body)).toEqual({ data: { rc: "00" } });
  });

  it("an error status is an answer, not a failure: its body is given back", async () => {
    const { url, agent } = await serve((_req, _body, res) => {
      res.writeHead(429, { "content-type": "application/json" });
      res.end('{"ok":false,"error_code":429,"parameters":{"retry_after":3}}');
    });
    const res = await requestText(agent, `${url}/x`, { method: "POST", body: "{}" });
    expect(res).toEqual({ statusCode: 429, body: '{"ok":false,"error_code":429,"parameters":{"retry_after":3}}' });
  });

  it("sends a streamed body (a photo upload) whole", async () => {
    let received = "";
    const { url, agent } = await serve((_req, body, res) => {
      received = body;
      res.end("ok");
    });
    await requestText(agent, `${url}/upload`, { method: "POST", body: Readable.from(["part one, ", "part two"]) });
    expect(received).toBe("part one, part two");
  });

  it("an abort while the answer is awaited rejects with the signal's reason, and the server's late answer is ignored", async () => {
    let answer: (() => void) | undefined;
    const { url, agent } = await serve((_req, _body, res) => {
      answer = () => res.end("late");
    });
    const controller = new AbortController();
    const pending = requestText(agent, `${url}/slow`, { method: "POST", body: "{}", signal: controller.signal });
    await expect.poll(() => answer).toBeDefined();
    const reason = new Error("stopped");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    answer!();
  });

  it("an already aborted signal rejects at once and sends nothing", async () => {
    let requests = 0;
    const { url, agent } = await serve((_req, _body, res) => {
      requests++;
      res.end("ok");
    });
    const signal = AbortSignal.abort(new Error("too late"));
    await expect(requestText(agent, `${url}/x`, { method: "GET", signal })).rejects.toThrow("too late");
    expect(requests).toBe(0);
  });

  it("a provider that never answers is a timeout fault, not a connection failure", async () => {
    const { url } = await serve(() => {
      // never answers
    });
    const http = createHttpClient({ responseTimeoutMs: 50 });
    try {
      const err = await http.post(`${url}/api/v1/bill/check`, "{}", {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderTimeoutError);
    } finally {
      await http.close();
    }
  });

  it("a streamed upload that is not sent after all is closed, aborted first or refused", async () => {
    const aborted = Readable.from(["never sent"]);
    const unused = new Agent();
    await expect(
      requestText(unused, "http://127.0.0.1:9/x", { method: "POST", body: aborted, signal: AbortSignal.abort(new Error("stopped")) }),
    ).rejects.toThrow("stopped");
    expect(aborted.destroyed).toBe(true);
    await unused.close();
    const { url, agent } = await serve((_req, _body, res) => res.end());
    open.pop()!.server.close();
    const refused = Readable.from(["never sent"]);
    await expect(requestText(agent, `${url}/x`, { method: "POST", body: refused })).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(refused.destroyed).toBe(true);
    await agent.close();
  });

  it("a refused connection rejects", async () => {
    const { url, agent } = await serve((_req, _body, res) => res.end());
    const closed = open.pop()!;
    closed.server.close();
    await expect(requestText(agent, `${url}/x`, { method: "GET" })).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await agent.close();
  });

  it("works on a MockAgent, as the provider tests use it", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get("https://provider.example").intercept({ path: "/api/v1/bill/check", method: "POST", body: '{"a":1}' }).reply(200, '{"data":{"rc":"00"}}');
    const res = await requestText(agent, "https://provider.example/api/v1/bill/check", { method: "POST", body: '{"a":1}' });
    expect(res).toEqual({ statusCode: 200, body: '{"data":{"rc":"00"}}' });
    await agent.close();
  });
});
