import type { Dispatcher } from "undici";
import type { Readable } from "node:stream";

export interface TextResponse {
  statusCode: number;
  body: string;
}

export interface TextRequest {
  method: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string | Readable;
  signal?: AbortSignal;
  /** undici's own timeouts, in ms (its defaults, 300 s, when absent). */
  headersTimeout?: number;
  bodyTimeout?: number;
}

/**
 * One HTTP request through an undici dispatcher, its answer collected as text. It is what undici's
 * `request()` does for our callers, without the Readable stream `request()` wraps every answer in:
 * every Bot API call and provider call is one of these, and that stream was about a third of the
 * client's CPU per call, measured (docs/architecture.md#speed). Errors are undici's own (connect and
 * headers/body timeouts, a closed socket) or the signal's reason when it aborts, as with `request()`.
 */
export function requestText(dispatcher: Dispatcher, url: string, init: TextRequest): Promise<TextResponse> {
  const { signal } = init;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  const target = new URL(url);
  return new Promise<TextResponse>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let statusCode = 0;
    let controller: Dispatcher.DispatchController | null = null;
    let aborted: Error | null = null;
    const onAbort = () => {
      aborted = signal!.reason as Error;
      controller?.abort(aborted);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const finish = () => signal?.removeEventListener("abort", onAbort);
    dispatcher.dispatch(
      {
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: init.method,
        ...(init.headers && { headers: init.headers }),
        ...(init.body !== undefined && { body: init.body }),
        ...(init.headersTimeout !== undefined && { headersTimeout: init.headersTimeout }),
        ...(init.bodyTimeout !== undefined && { bodyTimeout: init.bodyTimeout }),
      },
      {
        onRequestStart(c) {
          controller = c;
          if (aborted !== null) c.abort(aborted);
        },
        onResponseStart(_c, status) {
          statusCode = status;
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          finish();
          resolve({ statusCode, body: Buffer.concat(chunks).toString("utf8") });
        },
        onResponseError(_c, err) {
          finish();
          reject(err);
        },
      },
    );
  });
}
