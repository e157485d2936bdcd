import { createHmac } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake of Meta's WhatsApp Cloud API on loopback (docs/whatsapp-cloud.md#tests), in the spirit of
 * telegram-api.ts: the bot's Graph client talks to it over real HTTP through WHATSAPP_GRAPH_BASE_URL.
 * It checks the bearer token, the path (version, phone number id) and every message against Meta's
 * documented limits (answering error 100 like Meta when one is broken), keeps each person's 24-hour
 * window (a free-form message outside it fails with 131047, by default afterwards as a `failed`
 * status webhook, as practitioners report; or at once), knows which templates are approved in which
 * language, accepts media uploads, records every call, answers errors on demand, and posts signed
 * webhooks to the bot — as a person writing, tapping a button or choosing a list row.
 */

type Json = Record<string, unknown>;

export interface RecordedCall {
  seq: number;
  path: string;
  body: Json;
  /** "ok", or Meta's error code. */
  status: "ok" | number;
}

/** A message the fake accepted, with the text a person would see. */
export interface SentMessage {
  wamid: string;
  to: string;
  type: string;
  body: Json;
  /** What the phone shows: the text, the buttons in [brackets], the list rows, the caption, or `template:<name>/<lang>: <param>`. */
  view: string;
  /** Reply ids offered (buttons or rows) with their titles. */
  replies: { id: string; title: string; kind: "button" | "row" }[];
}

export interface ApprovedTemplate {
  name: string;
  language: string;
  /** Number of body parameters the template was approved with. */
  params: number;
}

export interface FakeCloudOptions {
  token?: string;
  phoneNumberId?: string;
  appSecret?: string;
  version?: string;
  /** The clock for webhook timestamps and the window (the app's fake clock). */
  now?: () => number;
  /** How a free-form message outside the window fails: a `failed` status webhook (default) or the answer itself. */
  windowErrors?: "async" | "sync";
  templates?: ApprovedTemplate[];
  /** The number's throughput: more messages than this in any real second (or `secondMs`) get 130429. */
  messagesPerSecond?: number;
  secondMs?: number;
}

interface Failure {
  code: number;
  httpStatus: number;
  details: string;
  /** Answer with no Graph error body (a proxy's 502 page). */
  bodyless?: boolean;
}

export interface FakeCloud {
  /** What to pass as WHATSAPP_GRAPH_BASE_URL. */
  url: string;
  token: string;
  phoneNumberId: string;
  appSecret: string;
  version: string;
  calls: RecordedCall[];
  /** Messages accepted, optionally to one person (wa_id). */
  sent(waId?: string): SentMessage[];
  /** Where signed webhooks go (the bot's `…/whatsapp/cloud`). */
  setWebhook(url: string): void;
  /** A person writes; resolves with the bot's HTTP status. */
  sendText(waId: string, text: string, opts?: { name?: string; id?: string; timestamp?: number }): Promise<number>;
  /** A person taps a reply button or chooses a list row with this exact id. */
  reply(waId: string, replyId: string, kind?: "button" | "row"): Promise<number>;
  /** Taps the newest offered reply whose choice id (after `<nonce>|`) starts with `prefix`. */
  tap(waId: string, prefix: string): Promise<{ status: number; id: string }>;
  /** Posts any value as a notification, signed (or with the signature given). */
  post(value: unknown, opts?: { signature?: string | null; raw?: string }): Promise<number>;
  /** The notification envelope around one change value, as Meta wraps it. */
  envelope(value: Json): Json;
  /** Meta reports a status for a message it accepted. */
  postStatus(wamid: string, status: "sent" | "delivered" | "read" | "failed", error?: { code: number; details: string }): Promise<number>;
  /** Fails the next `times` sends (or uploads) with this Meta error. */
  failNext(failure: { code: number; httpStatus?: number; details?: string; bodyless?: boolean }, times?: number, path?: "messages" | "media"): void;
  /** How many sends the throughput limit refused (130429). */
  throttled(): number;
  /** Meta's view of the window: the person last wrote this long ago (or never). */
  setLastInbound(waId: string, at: number | null): void;
  /** Resolves once every webhook the fake started posting has been answered. */
  settled(): Promise<void>;
  mediaUploads(): { id: string; bytes: number; type: string }[];
  close(): Promise<void>;
}

const WINDOW_MS = 24 * 3_600_000;

/** Meta counts code points (docs/whatsapp-cloud.md#limits). */
const len = (s: string) => Array.from(s).length;

/** Meta's webhook bytes: JSON with non-ASCII escaped as \uXXXX (what its signature covers). */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function safeParse(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

export function signBody(raw: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
}

export async function startFakeCloud(opts: FakeCloudOptions = {}): Promise<FakeCloud> {
  const token = opts.token ?? "EAAGfaketoken0123456789abcdef";
  const phoneNumberId = opts.phoneNumberId ?? "106540352242922";
  const appSecret = opts.appSecret ?? "0123456789abcdef0123456789abcdef";
  const version = opts.version ?? "v25.0";
  const now = opts.now ?? Date.now;
  const templates = opts.templates ?? [];
  const calls: RecordedCall[] = [];
  const accepted: SentMessage[] = [];
  const lastInbound = new Map<string, number>();
  const failures: { failure: Failure; path: "messages" | "media" }[] = [];
  const media = new Map<string, { bytes: number; type: string }>();
  const inflight = new Set<Promise<unknown>>();
  const recent: number[] = [];
  let webhookUrl: string | null = null;
  let throttledCount = 0;
  let seq = 0;

  const wamidOf = () => `wamid.FAKE${String(++seq).padStart(8, "0")}`;
  const error = (code: number, details: string, httpStatus = 400): Failure => ({ code, details, httpStatus });

  function checkText(s: unknown, max: number, what: string): Failure | null {
    if (typeof s !== "string" || s.trim() === "") return error(100, `${what} is required`);
    if (len(s) > max) return error(100, `${what} is too long (max ${max})`);
    return null;
  }

  /** Meta's limits for one message; the first one broken, or null. */
  function validate(body: Json): Failure | null {
    if (body.messaging_product !== "whatsapp") return error(100, "messaging_product must be whatsapp");
    if (typeof body.to !== "string" || !/^\+?\d{6,20}$/.test(body.to)) return error(100, "invalid to");
    switch (body.type) {
      case "text":
        return checkText((body.text as Json | undefined)?.body, 4096, "text.body");
      case "image": {
        const image = body.image as Json | undefined;
        if (typeof image?.id !== "string" || !media.has(image.id)) return error(131009, "image.id is not an uploaded media id");
        return image.caption === undefined ? null : checkText(image.caption, 1024, "image.caption");
      }
      case "interactive": {
        const i = body.interactive as Json | undefined;
        const bodyProblem = checkText((i?.body as Json | undefined)?.text, 1024, "interactive.body.text");
        if (bodyProblem) return bodyProblem;
        const action = i?.action as Json | undefined;
        if (i?.type === "button") {
          const header = i.header as Json | undefined;
          if (header !== undefined && (header.type !== "image" || !media.has(String((header.image as Json | undefined)?.id))))
            return error(131009, "bad header");
          const buttons = action?.buttons as Json[] | undefined;
          if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return error(100, "buttons: 1 to 3");
          const titles = new Set<string>();
          for (const b of buttons) {
            const reply = b.reply as Json | undefined;
            if (b.type !== "reply" || typeof reply?.id !== "string" || reply.id.length > 256 || reply.id !== reply.id.trim())
              return error(100, "bad button id");
            const p = checkText(reply.title, 20, "button title");
            if (p) return p;
            if (titles.has(String(reply.title))) return error(100, "button titles must be unique");
            titles.add(String(reply.title));
          }
          return null;
        }
        if (i?.type === "list") {
          const p = checkText(action?.button, 20, "list button");
          if (p) return p;
          const sections = action?.sections as Json[] | undefined;
          if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) return error(100, "sections: 1 to 10");
          let rows = 0;
          for (const s of sections) {
            if (s.title !== undefined) {
              const t = checkText(s.title, 24, "section title");
              if (t) return t;
            }
            for (const r of (s.rows as Json[] | undefined) ?? []) {
              rows++;
              if (typeof r.id !== "string" || r.id.length > 200) return error(100, "bad row id");
              const t = checkText(r.title, 24, "row title");
              if (t) return t;
              if (r.description !== undefined && (typeof r.description !== "string" || len(r.description) > 72)) return error(100, "row description too long");
            }
          }
          return rows < 1 || rows > 10 ? error(100, "rows: 1 to 10 in all") : null;
        }
        return error(100, "interactive.type");
      }
      case "template": {
        const t = body.template as Json | undefined;
        const lang = (t?.language as Json | undefined)?.code;
        const approved = templates.find((x) => x.name === t?.name && x.language === lang);
        if (!approved) return error(132001, `template name (${String(t?.name)}) does not exist in ${String(lang)}`);
        const params = ((t?.components as Json[] | undefined)?.find((c) => c.type === "body")?.parameters as Json[] | undefined) ?? [];
        if (params.length !== approved.params) return error(132000, "number of parameters does not match");
        for (const p of params) {
          if (p.type !== "text" || typeof p.text !== "string" || p.text.trim() === "") return error(131008, "parameter text is required");
          if (/[\n\t]| {5,}/.test(p.text)) return error(132018, "Param text cannot have new-line/tab characters or more than 4 consecutive spaces");
          if (len(p.text) > 32768) return error(100, "parameter too long");
        }
        return null;
      }
      default:
        return error(100, `unsupported type ${String(body.type)}`);
    }
  }

  function viewOf(body: Json): { view: string; replies: SentMessage["replies"] } {
    switch (body.type) {
      case "text":
        return { view: String((body.text as Json).body), replies: [] };
      case "image":
        return { view: String((body.image as Json).caption ?? ""), replies: [] };
      case "template": {
        const t = body.template as Json;
        const params = ((t.components as Json[])[0]!.parameters as Json[]).map((p) => String(p.text));
        return { view: `template:${String(t.name)}/${String((t.language as Json).code)}: ${params.join(" | ")}`, replies: [] };
      }
      default: {
        const i = body.interactive as Json;
        const text = String((i.body as Json).text);
        const action = i.action as Json;
        if (i.type === "button") {
          const buttons = (action.buttons as Json[]).map((b) => b.reply as Json);
          return {
            view: `${text}\n${buttons.map((b) => `[${String(b.title)}]`).join(" ")}`,
            replies: buttons.map((b) => ({ id: String(b.id), title: String(b.title), kind: "button" as const })),
          };
        }
        const rows = (action.sections as Json[]).flatMap((s) => s.rows as Json[]);
        return {
          view: `${text}\n<${String(action.button)}>\n${rows.map((r) => `- ${String(r.title)}${r.description === undefined ? "" : ` (${String(r.description)})`}`).join("\n")}`,
          replies: rows.map((r) => ({ id: String(r.id), title: String(r.title), kind: "row" as const })),
        };
      }
    }
  }

  function envelope(value: Json): Json {
    return {
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: phoneNumberId }, ...value },
            },
          ],
        },
      ],
    };
  }

  /** Meta's own view of the window: whoever wrote in a notification it sends has opened theirs. */
  function noteInbound(value: unknown): void {
    const entries = (value as { entry?: { changes?: { value?: { messages?: { from?: unknown; timestamp?: unknown }[] } }[] }[] } | null)?.entry;
    for (const entry of Array.isArray(entries) ? entries : [])
      for (const change of entry.changes ?? [])
        for (const m of change.value?.messages ?? []) {
          if (typeof m.from !== "string" || typeof m.timestamp !== "string") continue;
          const at = Math.min(Number(m.timestamp) * 1000, now());
          lastInbound.set(m.from, Math.max(lastInbound.get(m.from) ?? 0, at));
        }
  }

  async function post(value: unknown, o: { signature?: string | null; raw?: string } = {}): Promise<number> {
    if (webhookUrl === null) throw new Error("fake cloud: no webhook URL set");
    noteInbound(o.raw === undefined ? value : safeParse(o.raw));
    const raw = o.raw ?? metaJson(value);
    const signature = o.signature === undefined ? signBody(raw, appSecret) : o.signature;
    const url = webhookUrl;
    const task = new Promise<number>((resolve, reject) => {
      let answered = false;
      const req = httpRequest(
        url,
        { method: "POST", agent: false, headers: { "content-type": "application/json", ...(signature === null ? {} : { "x-hub-signature-256": signature }) } },
        (res) => {
          answered = true;
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", () => resolve(res.statusCode ?? 0));
        },
      );
      // A server refusing an oversized body answers before it has read it all, then closes: the answer counts.
      req.on("error", (err) => {
        if (!answered) reject(err);
      });
      req.end(raw);
    });
    inflight.add(task);
    try {
      return await task;
    } finally {
      inflight.delete(task);
    }
  }

  function inbound(waId: string, message: Json, name = "Payer", timestamp?: number): Promise<number> {
    const at = timestamp ?? now();
    return post(
      envelope({
        contacts: [{ profile: { name }, wa_id: waId }],
        messages: [{ from: waId, id: `wamid.IN${String(++seq).padStart(8, "0")}`, timestamp: String(Math.floor(at / 1000)), ...message }],
      }),
    );
  }

  function postStatus(wamid: string, status: string, err?: { code: number; details: string }): Promise<number> {
    const m = accepted.find((x) => x.wamid === wamid);
    return post(
      envelope({
        statuses: [
          {
            id: wamid,
            status,
            timestamp: String(Math.floor(now() / 1000)),
            recipient_id: m?.to ?? "0",
            ...(err === undefined
              ? {}
              : {
                  errors: [
                    {
                      code: err.code,
                      title: err.details,
                      message: err.details,
                      error_data: { details: err.details },
                      href: "https://developers.facebook.com/",
                    },
                  ],
                }),
          },
        ],
      }),
    );
  }

  function reply(waId: string, replyId: string, kind: "button" | "row" = "button"): Promise<number> {
    const offered = [...accepted]
      .reverse()
      .flatMap((m) => m.replies)
      .find((r) => r.id === replyId);
    const title = offered?.title ?? "?";
    const interactive =
      kind === "button"
        ? { type: "button_reply", button_reply: { id: replyId, title } }
        : { type: "list_reply", list_reply: { id: replyId, title, description: "" } };
    return inbound(waId, { type: "interactive", interactive, context: { from: "15550783881", id: "wamid.CONTEXT" } });
  }

  function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });
  }

  function answer(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  function refuse(res: ServerResponse, path: string, body: Json, f: Failure): void {
    calls.push({ seq: calls.length + 1, path, body, status: f.code });
    if (f.bodyless === true) {
      res.writeHead(f.httpStatus, { "content-type": "text/html" });
      res.end("<html>Bad Gateway</html>");
      return;
    }
    answer(res, f.httpStatus, {
      error: {
        message: `(#${f.code}) ${f.details}`,
        type: "OAuthException",
        code: f.code,
        error_data: { messaging_product: "whatsapp", details: f.details },
        fbtrace_id: "Afake",
      },
    });
  }

  function overThroughput(): boolean {
    if (opts.messagesPerSecond === undefined) return false;
    const t = performance.now();
    while (recent.length > 0 && t - recent[0]! >= (opts.secondMs ?? 1000)) recent.shift();
    if (recent.length >= opts.messagesPerSecond) {
      throttledCount++;
      return true;
    }
    recent.push(t);
    return false;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = new URL(req.url ?? "/", "http://fake").pathname;
      const m = /^\/(v\d+\.\d)\/(\d+)\/(messages|media)$/.exec(path);
      if (req.method !== "POST" || !m) return answer(res, 404, { error: { message: "Unknown path", code: 100 } });
      const kind = m[3] as "messages" | "media";
      if (req.headers.authorization !== `Bearer ${token}`) return refuse(res, path, {}, error(190, "Invalid OAuth access token", 401));
      if (m[1] !== version || m[2] !== phoneNumberId) return refuse(res, path, {}, error(100, "Unsupported post request (wrong version or phone number id)"));

      if (kind === "media") {
        const form = await new Request("http://fake/", {
          method: "POST",
          headers: { "content-type": String(req.headers["content-type"]) },
          body: raw,
        }).formData();
        const file = form.get("file");
        const body = { messaging_product: form.get("messaging_product"), type: form.get("type") } as Json;
        const queued = failures.findIndex((f) => f.path === "media");
        if (queued >= 0) return refuse(res, path, body, failures.splice(queued, 1)[0]!.failure);
        if (body.messaging_product !== "whatsapp" || !(file instanceof Blob))
          return refuse(res, path, body, error(100, "file and messaging_product are required"));
        const bytes = Buffer.from(await file.arrayBuffer());
        if (file.type !== "image/png" || bytes.subarray(1, 4).toString() !== "PNG")
          return refuse(res, path, body, error(131053, "media type does not match the file"));
        if (bytes.length > 5 * 1024 * 1024) return refuse(res, path, body, error(131053, "image over 5 MB"));
        const id = `media${String(++seq).padStart(6, "0")}`;
        media.set(id, { bytes: bytes.length, type: file.type });
        calls.push({ seq: calls.length + 1, path, body: { ...body, bytes: bytes.length }, status: "ok" });
        return answer(res, 200, { id });
      }

      let body: Json;
      try {
        body = JSON.parse(raw.toString("utf8")) as Json;
      } catch {
        return refuse(res, path, {}, error(100, "body is not JSON"));
      }
      const queued = failures.findIndex((f) => f.path === "messages");
      if (queued >= 0) return refuse(res, path, body, failures.splice(queued, 1)[0]!.failure);
      if (overThroughput()) return refuse(res, path, body, error(130429, "Cloud API message throughput has been reached."));
      const problem = validate(body);
      if (problem) return refuse(res, path, body, problem);
      const waId = String(body.to).replace(/^\+/, "");
      const last = lastInbound.get(waId);
      const outside = body.type !== "template" && (last === undefined || now() - last >= WINDOW_MS);
      if (outside && opts.windowErrors === "sync") {
        return refuse(
          res,
          path,
          body,
          error(131047, "Message failed to send because more than 24 hours have passed since the customer last replied to this number."),
        );
      }
      const wamid = wamidOf();
      accepted.push({ wamid, to: waId, type: String(body.type), body, ...viewOf(body) });
      calls.push({ seq: calls.length + 1, path, body, status: "ok" });
      answer(res, 200, { messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: waId }], messages: [{ id: wamid }] });
      if (outside) {
        // Accepted, then failed: the status webhook comes after the answer.
        const task = new Promise((r) => setImmediate(r)).then(() =>
          postStatus(wamid, "failed", {
            code: 131047,
            details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
          }),
        );
        inflight.add(task);
        void task.finally(() => inflight.delete(task));
      }
    })().catch((err: unknown) => {
      if (!res.headersSent) answer(res, 500, { error: { message: String(err), code: 1 } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    phoneNumberId,
    appSecret,
    version,
    calls,
    sent: (waId) => accepted.filter((m) => waId === undefined || m.to === waId),
    setWebhook(url) {
      webhookUrl = url;
    },
    sendText: (waId, text, o = {}) => inbound(waId, { type: "text", text: { body: text }, ...(o.id === undefined ? {} : { id: o.id }) }, o.name, o.timestamp),
    reply,
    async tap(waId, prefix) {
      const offered = [...accepted]
        .reverse()
        .filter((m) => m.to === waId)
        .flatMap((m) => m.replies)
        .find((r) => (r.id.split("|")[1] ?? "").startsWith(prefix));
      if (!offered)
        throw new Error(`fake cloud: nothing offered to ${waId} starting with ${prefix}; last: ${accepted.filter((m) => m.to === waId).at(-1)?.view}`);
      return { status: await reply(waId, offered.id, offered.kind), id: offered.id };
    },
    post,
    envelope,
    postStatus,
    failNext(f, times = 1, path = "messages") {
      for (let i = 0; i < times; i++)
        failures.push({
          failure: { code: f.code, httpStatus: f.httpStatus ?? 400, details: f.details ?? `error ${f.code}`, ...(f.bodyless ? { bodyless: true } : {}) },
          path,
        });
    },
    throttled: () => throttledCount,
    setLastInbound(waId, at) {
      if (at === null) lastInbound.delete(waId);
      else lastInbound.set(waId, at);
    },
    async settled() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    mediaUploads: () => [...media].map(([id, m]) => ({ id, ...m })),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
