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

/** A streamed body (an upload) that will not be sent after all is closed, as undici's `request()` does. */
function discard(body: TextRequest["body"]): void {
  if (body !== undefined && typeof body !== "string" && typeof body.destroy === "function" && !body.destroyed) body.destroy();
}

/** The body as text, a leading UTF-8 byte order mark dropped, as undici's `body.text()` does (PHP backends send one). */
function utf8Text(chunks: Buffer[]): string {
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString("utf8", bom ? 3 : 0);
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
  if (signal?.aborted) {
    const rejected = Promise.reject(signal.reason as Error);
    discard(init.body);
    return rejected;
  }
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
          resolve({ statusCode, body: utf8Text(chunks) });
        },
        onResponseError(_c, err) {
          finish();
          reject(err);
          discard(init.body);
        },
      },
    );
  });
}
