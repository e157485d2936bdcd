import { Agent, FormData, request, type Dispatcher } from "undici";
import { z } from "zod";
import { readJson } from "../../shared/json.ts";

/** Meta's answer to a call it refused (docs/whatsapp-cloud.md#errors): what counts is `code`, not the HTTP status. */
export class GraphApiError extends Error {
  override name = "GraphApiError";
  constructor(
    readonly httpStatus: number,
    readonly code: number | null,
    /** `error_data.details`, else `message`: Meta's words, for logs. */
    readonly details: string,
  ) {
    super(`Graph API ${httpStatus}${code === null ? "" : ` (#${code})`}: ${details}`);
  }
}

/** The Graph API could not be reached, or did not answer in time: the message may or may not have gone. */
export class GraphUnreachableError extends Error {
  override name = "GraphUnreachableError";
}

const errorBody = z.looseObject({
  error: z.looseObject({
    code: z.number().int().optional(),
    message: z.string().optional(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
  }),
});

const sentBody = z.looseObject({
  messages: z.array(z.looseObject({ id: z.string().min(1).max(512) })).min(1),
});

const mediaBody = z.looseObject({ id: z.string().min(1).max(512) });

export interface GraphClient {
  /** POST /<version>/<phone number id>/messages; resolves with the message's wamid. */
  sendMessage(body: Record<string, unknown>): Promise<string>;
  /** POST /<version>/<phone number id>/media; resolves with the media id. */
  uploadMedia(data: Uint8Array, mimeType: string, fileName: string): Promise<string>;
  close(): Promise<void>;
}

export interface GraphClientOptions {
  baseUrl: string;
  version: string;
  phoneNumberId: string;
  token: string;
  /** Per call: connecting, waiting for headers and for the body each (default 15 s). */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/**
 * Meta's Graph API for one business phone number, over one keep-alive pool (undici). Answers are
 * checked with zod; a refusal becomes a GraphApiError carrying Meta's error code, a network failure
 * or a timeout a GraphUnreachableError. The token goes in the Authorization header only, never in
 * a URL or a log line.
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const own = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    new Agent({ keepAliveTimeout: 30_000, connections: 32, connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const url = (path: string) => `${options.baseUrl}/${options.version}/${options.phoneNumberId}/${path}`;
  const authorization = `Bearer ${options.token}`;

  async function call(path: string, body: string | FormData, json: boolean): Promise<unknown> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url(path), {
        method: "POST",
        headers: json ? { authorization, "content-type": "application/json" } : { authorization },
        body,
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs * 2),
      });
    } catch (err) {
      throw new GraphUnreachableError(`Graph API unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw new GraphUnreachableError(`Graph API answer lost: ${err instanceof Error ? err.message : String(err)}`);
    }
    const value = readJson(text);
    if (res.statusCode >= 200 && res.statusCode < 300) return value;
    const refused = errorBody.safeParse(value);
    if (refused.success) {
      const e = refused.data.error;
      throw new GraphApiError(res.statusCode, e.code ?? null, e.error_data?.details ?? e.message ?? "no details");
    }
    // No Graph error body (a proxy's 502, an outage page): the status is all there is.
    if (res.statusCode >= 500) throw new GraphUnreachableError(`Graph API answered ${res.statusCode}`);
    throw new GraphApiError(res.statusCode, null, `HTTP ${res.statusCode} without an error body`);
  }

  return {
    async sendMessage(body) {
      const value = await call("messages", JSON.stringify(body), true);
      const sent = sentBody.safeParse(value);
      // A 2xx we cannot read: Meta accepted something; retrying could send it twice, so it is a fault to look at.
      if (!sent.success) throw new GraphApiError(200, null, "unreadable answer to a send");
      return sent.data.messages[0]!.id;
    },
    async uploadMedia(data, mimeType, fileName) {
      const form = new FormData();
      form.append("messaging_product", "whatsapp");
      form.append("type", mimeType);
      form.append("file", new Blob([data], { type: mimeType }), fileName);
      const media = mediaBody.safeParse(await call("media", form, false));
      if (!media.success) throw new GraphApiError(200, null, "unreadable answer to a media upload");
      return media.data.id;
    },
    async close() {
      if (own) await dispatcher.close();
    },
  };
}
