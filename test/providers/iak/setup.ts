import { MockAgent } from "undici";
import { onTestFinished } from "vitest";
import { createIakClient, type IakClient, type IakClientOptions } from "../../../src/providers/iak/client.ts";

export const BASE_URL = "https://testpostpaid.mobilepulsa.net";
export const USERNAME = "081234567890";
export const API_KEY = "sandboxkey123";
export const CHECK_PATH = "/api/v1/bill/check";

export interface SeenRequest {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface AnswerOptions {
  path?: string;
  delayMs?: number;
}

export interface Setup {
  client: IakClient;
  agent: MockAgent;
  /** Every request that reached the mock, in order: pay must appear exactly once. */
  seen: SeenRequest[];
  /** Answers every matching request with this status and body (an object is sent as JSON). */
  answer(statusCode: number, body: unknown, options?: AnswerOptions): void;
  failConnection(error?: Error): void;
}

/** A fresh client on a MockAgent that refuses real network access; closed when the test ends. */
export function setup(overrides: Partial<IakClientOptions> = {}): Setup {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(BASE_URL);
  const seen: SeenRequest[] = [];
  const client = createIakClient({
    baseUrl: BASE_URL,
    username: USERNAME,
    apiKey: API_KEY,
    dispatcher: agent,
    ...overrides,
  });

  function record(path: string, headers: unknown, body: unknown): void {
    const h: Record<string, string> = {};
    if (headers !== null && typeof headers === "object") {
      for (const [k, v] of Object.entries(headers as Record<string, unknown>)) h[k.toLowerCase()] = String(v);
    }
    seen.push({ path, headers: h, body: JSON.parse(String(body)) as Record<string, unknown> });
  }

  onTestFinished(async () => {
    await client.close();
    await agent.close();
  });

  return {
    client,
    agent,
    seen,
    answer(statusCode, body, options = {}) {
      const scope = pool
        .intercept({ path: options.path ?? CHECK_PATH, method: "POST" })
        // The options-callback form runs when the request arrives, before any .delay().
        .reply((opts) => {
          record(opts.path, opts.headers, opts.body);
          return {
            statusCode,
            data: typeof body === "string" ? body : JSON.stringify(body),
            responseOptions: { headers: { "content-type": "application/json" } },
          };
        });
      if (options.delayMs !== undefined) scope.delay(options.delayMs);
      scope.persist();
    },
    failConnection(error = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })) {
      pool.intercept({ path: CHECK_PATH, method: "POST" }).replyWithError(error).persist();
    },
  };
}

/** A client whose whole request deadline is ~50 ms: MockAgent's .delay() past it is a timeout. */
export function setupShortTimeout(): Setup {
  return setup({ timeoutMs: 50, connectTimeoutMs: 1 });
}
