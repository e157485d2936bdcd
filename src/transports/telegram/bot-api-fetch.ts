import { Agent, type Dispatcher } from "undici";
import type { Readable } from "node:stream";
import { requestText } from "../../shared/http-request.ts";

type FetchInit = { headers?: unknown; body?: unknown; signal?: unknown; method?: string };
type SignalLike = { aborted: boolean; addEventListener(type: "abort", listener: () => void, options?: { once: boolean }): void };

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
 * The HTTP call grammY makes to the Bot API, on undici over one keep-alive pool instead of grammY's
 * default node-fetch: measurably cheaper per call on the payers' hot path (docs/architecture.md#speed).
 * grammY reads nothing of the answer but its JSON body, so that is all this gives back; a body that
 * is not JSON rejects, as node-fetch's would. grammY's node-fetch options (an http.Agent,
 * compression) do not apply here; the `connection` header is undici's.
 */
export function createBotApiFetch(dispatcher: Dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 64 })) {
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
