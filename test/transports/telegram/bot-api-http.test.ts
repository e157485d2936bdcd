import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Api, GrammyError, HttpError, InputFile } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { createBotApiDispatcher, createBotApiFetch, jsonCallsTransformer } from "../../../src/transports/telegram/bot-api-http.ts";
import { startFakeTelegram, type FakeTelegram } from "../../fakes/telegram-api.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An Api wired as start-telegram.ts wires it, counting what reaches grammY's own client. */
function apiAt(apiRoot: string, token: string, timeoutSeconds = 60): { api: Api; grammyCalls: string[] } {
  const dispatcher = createBotApiDispatcher();
  cleanups.push(() => dispatcher.close());
  const grammyCalls: string[] = [];
  const fetch = createBotApiFetch(dispatcher);
  const api = new Api(token, {
    apiRoot,
    timeoutSeconds,
    fetch: (async (url: unknown, init: unknown) => {
      grammyCalls.push(String(url).split("/").at(-1)!);
      return fetch(url, init as Parameters<typeof fetch>[1]);
    }) as never,
  });
  api.config.use(jsonCallsTransformer({ apiRoot, token, dispatcher, timeoutSeconds }));
  return { api, grammyCalls };
}

async function fake(): Promise<FakeTelegram> {
  const f = await startFakeTelegram();
  cleanups.push(() => f.close());
  return f;
}

async function rawServer(answer: (res: ServerResponse) => void): Promise<{ apiRoot: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return { apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("Bot API calls over HTTP", () => {
  it("a JSON call is made by the transformer, not grammY's client, and its answer comes back", async () => {
    const f = await fake();
    const { api, grammyCalls } = apiAt(f.apiRoot, f.token);
    const sent = await api.sendMessage(7001, "<b>Halo</b>", {
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "Menu", callback_data: "1|menu" }]] },
    });
    expect(sent.message_id).toBeGreaterThan(0);
    expect(f.callsOf("sendMessage", 7001)[0]!.payload).toMatchObject({
      text: "<b>Halo</b>",
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ callback_data: "1|menu" }]] },
    });
    expect(grammyCalls).toEqual([]);
  });

  it("an answer with ok: false becomes grammY's GrammyError, with Telegram's code and parameters", async () => {
    const f = await fake();
    f.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } });
    const { api } = apiAt(f.apiRoot, f.token);
    const err = await api.sendMessage(7002, "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect(err).toMatchObject({ error_code: 429, parameters: { retry_after: 7 } });
  });

  it("an upload goes on to grammY's client as multipart, and the photo arrives", async () => {
    const f = await fake();
    const { api, grammyCalls } = apiAt(f.apiRoot, f.token);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("the rest of the image")]);
    await api.sendPhoto(7003, new InputFile(png, "qris.png"), { caption: "QRIS" });
    expect(grammyCalls).toEqual(["sendPhoto"]);
    const photo = f.botMessages(7003).at(-1)!.photo!;
    expect(photo.filename).toBe("qris.png");
    expect(photo.bytes.equals(png)).toBe(true);
  });

  it("a body that is not JSON (a proxy's 502 page) is grammY's HttpError naming the method, never the token", async () => {
    const { apiRoot } = await rawServer((res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>Bad Gateway</html>");
    });
    const { api } = apiAt(apiRoot, "999:secret-token");
    const err = await api.sendMessage(1, "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as Error).message).toBe("Network request for 'sendMessage' failed!");
    expect(String((err as Error).message)).not.toContain("secret-token");
  });

  it("a refused connection is grammY's HttpError too", async () => {
    const { apiRoot, server } = await rawServer((res) => res.end());
    server.close();
    const { api } = apiAt(apiRoot, "999:t");
    await expect(api.answerCallbackQuery("q1")).rejects.toBeInstanceOf(HttpError);
  });

  it("an aborted call (the poller stopping) rejects at once", async () => {
    const f = await fake();
    const { api } = apiAt(f.apiRoot, f.token);
    const controller = new AbortController();
    const poll = api.getUpdates({ timeout: 30 }, controller.signal as never);
    await f.waitForCall((c) => c.method === "getUpdates", "the long poll");
    controller.abort();
    await expect(poll).rejects.toBeInstanceOf(HttpError);
  });
});
