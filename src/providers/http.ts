import { Agent, type Dispatcher } from "undici";
import { requestText } from "../shared/http-request.ts";
import { toProviderError } from "./errors.ts";

export interface HttpOptions {
  /** Injected in tests (undici MockAgent); otherwise a keep-alive Agent owned by the client. */
  dispatcher?: Dispatcher;
  connectTimeoutMs?: number;
  /** Headers and body timeout: the whole answer must arrive within this. */
  responseTimeoutMs?: number;
}

export interface HttpResponse {
  statusCode: number;
  body: string;
}

export interface HttpClient {
  post(url: string, body: string, headers: Record<string, string>): Promise<HttpResponse>;
  get(url: string, headers?: Record<string, string>): Promise<HttpResponse>;
  close(): Promise<void>;
}

/**
 * A small POST/GET helper over undici with explicit timeouts. It never retries: retrying is a
 * decision of the caller (never for payments).
 */
export function createHttpClient(options: HttpOptions = {}): HttpClient {
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const responseTimeout = options.responseTimeoutMs ?? 30_000;
  const owned = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connect: { timeout: connectTimeout },
      headersTimeout: responseTimeout,
      bodyTimeout: responseTimeout,
      keepAliveTimeout: 30_000,
      connections: 64,
    });

  async function send(method: "GET" | "POST", url: string, body: string | undefined, headers: Record<string, string>) {
    try {
      return await requestText(dispatcher, url, {
        method,
        headers,
        ...(body !== undefined && { body }),
        headersTimeout: responseTimeout,
        bodyTimeout: responseTimeout,
        signal: AbortSignal.timeout(responseTimeout + connectTimeout),
      });
    } catch (err) {
      throw toProviderError(err);
    }
  }

  return {
    post: (url, body, headers) => send("POST", url, body, headers),
    get: (url, headers = {}) => send("GET", url, undefined, headers),
    async close() {
      if (owned) await dispatcher.close();
    },
  };
}
