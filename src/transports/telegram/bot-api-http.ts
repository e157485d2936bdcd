import { Agent, type Dispatcher } from "undici";
import { HttpError, InputFile, type Transformer } from "grammy";
import type { Readable } from "node:stream";
import { requestText } from "../../shared/http-request.ts";

/**
 * How Loket's Bot API calls travel (docs/architecture.md#speed): over one undici keep-alive pool,
 * never through grammY's default node-fetch. A call whose payload is plain JSON — every call on the
 * payers' hot path — is made by `jsonCallsTransformer` itself; one that uploads a file (the QRIS
 * image) goes on through grammY's client, with `createBotApiFetch` as its fetch.
 */

type FetchInit = { headers?: unknown; body?: unknown; signal?: unknown; method?: string };
type SignalLike = { aborted: boolean; addEventListener(type: "abort", listener: () => void, options?: { once: boolean }): void };

/** The pool every Bot API call of one bot shares. */
export function createBotApiDispatcher(): Dispatcher {
  return new Agent({ keepAliveTimeout: 30_000, connections: 64 });
}

/** grammY hands over the abort-controller polyfill's signal; undici takes only Node's own. */
function nativeSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal === null) return undefined;
  if (signal instanceof AbortSignal) return signal;
  const polyfill = signal as SignalLike;
  const controller = new AbortController();
  if (polyfill.aborted) controller.abort();
  else polyfill.addEventListener("abort", () => controller.abort(), { once: true });
  return controller.signal;
}

/**
 * The fetch grammY's client uses (for uploads). grammY reads nothing of the answer but its JSON
 * body, so that is all this gives back; a body that is not JSON rejects, as node-fetch's would.
 * grammY's node-fetch options (an http.Agent, compression) do not apply; the `connection` header
 * is undici's.
 */
export function createBotApiFetch(dispatcher: Dispatcher) {
  return async (url: unknown, init: FetchInit = {}): Promise<{ json(): Promise<unknown> }> => {
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).filter(([name]) => name.toLowerCase() !== "connection"));
    const signal = nativeSignal(init.signal);
    const res = await requestText(dispatcher, String(url), {
      method: (init.method ?? "POST") as Dispatcher.HttpMethod,
      headers,
      ...(init.body !== undefined && init.body !== null && { body: init.body as string | Readable }),
      ...(signal && { signal }),
    });
    return { json: async () => JSON.parse(res.body) as unknown };
  };
}

/** A payload that holds a file anywhere must be sent as multipart form data (grammY does that). */
function holdsFile(value: unknown): boolean {
  if (value instanceof InputFile) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(holdsFile);
}

const JSON_HEADERS = { "content-type": "application/json" };

/**
 * grammY API transformer, installed first (so it runs last, under the flood control): a call with
 * a plain JSON payload is POSTed here and its JSON answer returned, as grammY's client would — but
 * without the abort controller, timer, stream-error promise and null-dropping JSON replacer grammY
 * builds per call, ~13 µs of CPU a call, measured. Same contract: a network failure, a timeout
 * (`timeoutSeconds` for the headers and between body chunks) or a body that is not JSON is a
 * grammY `HttpError` (its message names the method, never the URL with the token); an answer with
 * `ok: false` is returned for grammY to turn into a `GrammyError`. Payloads are Loket's own and
 * hold no nulls (grammY would drop them; JSON keeps them). Uploads go on to grammY.
 */
export function jsonCallsTransformer(opts: { apiRoot: string; token: string; dispatcher: Dispatcher; timeoutSeconds: number }): Transformer {
  const timeoutMs = opts.timeoutSeconds * 1000;
  return async (prev, method, payload, signal) => {
    if (holdsFile(payload)) return prev(method, payload, signal);
    const abort = nativeSignal(signal);
    try {
      const res = await requestText(opts.dispatcher, `${opts.apiRoot}/bot${opts.token}/${method}`, {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify(payload ?? {}),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(abort && { signal: abort }),
      });
      return JSON.parse(res.body) as Awaited<ReturnType<typeof prev>>;
    } catch (err) {
      throw new HttpError(`Network request for '${method}' failed!`, err);
    }
  };
}
