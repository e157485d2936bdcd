import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake Telegram Bot API server on loopback (docs/architecture.md#tests): grammY talks to it over real
 * HTTP through `apiRoot`. It keeps chats and their messages (so edits are checked), holds getUpdates
 * like Telegram does, validates HTML like Telegram's parser, records every call, and can be told to
 * fail: 429 with retry_after, 5xx, 403 for blocked chats, or to hold a method's answer.
 */

export interface FakeUser {
  id: number;
  first_name?: string;
  last_name?: string;
  language_code?: string;
}

export interface RecordedCall {
  seq: number;
  method: string;
  payload: Record<string, unknown>;
  /** What the fake answered: "ok", or the error code. */
  status: "ok" | number;
}

export interface Button {
  text: string;
  callback_data: string;
}

export interface FakeMessage {
  message_id: number;
  chat_id: number;
  /** The HTML (or plain text) as the bot sent it. */
  html: string;
  /** The text Telegram would show: tags removed, entities decoded. */
  text: string;
  parse_mode: string | null;
  buttons: Button[][];
  from_bot: boolean;
  edits: number;
  /** A photo (sendPhoto): its file as uploaded; `html`/`text` are then its caption. */
  photo?: { filename: string; bytes: Buffer };
}

interface ApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

type JsonObject = Record<string, unknown>;

const SUPPORTED_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "code",
  "pre",
  "a",
  "tg-spoiler",
  "span",
  "blockquote",
  "tg-emoji",
]);

/**
 * Parses Telegram-style HTML: supported tags only, properly nested, `<`, `>` and `&` only as part of
 * a tag or an entity. Returns the visible text, or the error Telegram would give.
 */
export function parseTelegramHtml(html: string, allowedTags: ReadonlySet<string> = SUPPORTED_TAGS): { ok: true; text: string } | { ok: false; error: string } {
  const stack: string[] = [];
  let out = "";
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === "<") {
      const m = /^<(\/?)([a-z][a-z0-9-]*)((?:\s+[a-z-]+="[^"<>]*")*)\s*>/.exec(html.slice(i));
      if (!m) return { ok: false, error: `can't parse entities: unexpected "<" at byte offset ${i}` };
      const whole = m[0];
      const closing = m[1];
      const name = m[2]!;
      if (!allowedTags.has(name)) return { ok: false, error: `can't parse entities: unsupported start tag "${name}" at byte offset ${i}` };
      if (closing === "/") {
        if (stack.pop() !== name) return { ok: false, error: `can't parse entities: can't find end tag corresponding to start tag "${name}"` };
      } else {
        stack.push(name);
      }
      i += whole.length;
      continue;
    }
    if (ch === ">") return { ok: false, error: `can't parse entities: unexpected ">" at byte offset ${i}` };
    if (ch === "&") {
      const m = /^&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/.exec(html.slice(i));
      if (!m) return { ok: false, error: `can't parse entities: unsupported entity at byte offset ${i}` };
      const e = m[1]!;
      out +=
        e === "lt"
          ? "<"
          : e === "gt"
            ? ">"
            : e === "amp"
              ? "&"
              : e === "quot"
                ? '"'
                : String.fromCodePoint(e.startsWith("#x") ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
      i += m[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  if (stack.length > 0) return { ok: false, error: `can't parse entities: can't find end tag corresponding to start tag "${stack.at(-1)}"` };
  return { ok: true, text: out };
}

export interface FakeTelegram {
  token: string;
  /** What to pass as TELEGRAM_API_ROOT. */
  apiRoot: string;
  port: number;
  bot: { id: number; username: string };
  calls: RecordedCall[];
  /** Calls of one method, optionally to one chat. */
  callsOf(method: string, chatId?: number): RecordedCall[];
  /** Resolves with the first recorded call (past or future) that matches. */
  waitForCall(match: (c: RecordedCall) => boolean, what?: string): Promise<RecordedCall>;
  /** Like waitForCall, looking only at calls after `seq` (cheap with many calls recorded). */
  waitForCallAfter(seq: number, match: (c: RecordedCall) => boolean, what?: string, timeoutMs?: number): Promise<RecordedCall>;
  /** Queues an update for getUpdates; returns its update_id. */
  pushUpdate(update: JsonObject): number;
  sendText(user: FakeUser, text: string): number;
  /** Taps a button on a message in the user's chat, by exact callback data. */
  tap(user: FakeUser, messageId: number, data: string): number;
  /** Taps the button whose callback data's choice id starts with `prefix`, on the newest message that has one. */
  tapChoice(user: FakeUser, prefix: string): { updateId: number; data: string; messageId: number };
  setMember(user: FakeUser, status: "kicked" | "member"): number;
  /** Updates not yet confirmed by an offset. */
  unconfirmed(): number[];
  /** Telegram lost our confirmation: updates from `updateId` on are delivered again to a getUpdates without offset. */
  rewind(updateId: number): void;
  /** Resolves once an offset above `updateId` has been sent (the bot has confirmed it). */
  waitConfirmed(updateId: number): Promise<void>;
  /** The chat as the payer sees it now (edits applied). */
  chat(chatId: number): FakeMessage[];
  botMessages(chatId: number): FakeMessage[];
  /** Fails the next `times` calls of `method` ("*" for any but getUpdates) with this answer. */
  failNext(method: string, failure: ApiFailure, times?: number): void;
  /** How many calls the `sendsPerSecond` or `limits` answered with 429. */
  rateLimitedCount(): number;
  /** Answers 403 "bot was blocked by the user" for sends to this chat. */
  block(chatId: number): void;
  /** Holds answers to `method` (only calls whose payload matches, if given) until released. */
  hold(method: string, match?: (payload: Record<string, unknown>) => boolean): { arrived: Promise<RecordedCall>; release(): void };
  /** The callback query id of a tap's update. */
  queryIdOf(updateId: number): string;
  webhook(): { url: string; secret_token?: string } | null;
  commands(languageCode?: string): { command: string; description: string }[] | undefined;
  menuButton(): unknown;
  close(): Promise<void>;
}

export interface FakeTelegramOptions {
  token?: string;
  /** Enforce a plain global send limit: more sends than this in any 1 s window get a 429. */
  sendsPerSecond?: number;
  /**
   * Enforce Telegram's documented limits (docs/delivery.md#telegram-limits) as this fake reads
   * them: proactive messages — to a chat that has not written in `recentMs` — at most `bulkPerSecond`
   * in any second across chats (replies are not counted: grammY's "replying can go far higher");
   * and in each chat a burst of `chatBurst`, refilled at `chatPerSecond`. Over either: 429 with
   * `retry_after`. `secondMs` shrinks the second for quick tests (the bot's retryAfterUnitMs to match).
   */
  limits?: { bulkPerSecond: number; chatBurst: number; chatPerSecond: number; recentMs?: number; secondMs?: number };
}

const SEND_METHODS = new Set(["sendMessage", "editMessageText", "sendPhoto"]);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/**
 * A multipart/form-data body as the Bot API reads one (what grammY sends with an InputFile): each
 * field a part, objects as JSON text, a file as a part named by the `attach://<name>` its field
 * holds. Fields come back as the JSON body would carry them; a file as `{ filename, bytes }`.
 */
function readMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { name: string; filename?: string; data: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF before the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, split).toString("utf8");
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    const filename = /filename="?([^";\r\n]*)"?/i.exec(head)?.[1];
    if (name !== undefined) parts.push({ name, ...(filename === undefined ? {} : { filename }), data: part.subarray(split + 4) });
    at = next;
  }
  const files = new Map(parts.filter((p) => p.filename !== undefined).map((p) => [p.name, p]));
  const out: Record<string, unknown> = {};
  for (const p of parts) {
    if (p.filename !== undefined) continue;
    const value = p.data.toString("utf8");
    const attached = /^attach:\/\/(.+)$/.exec(value)?.[1];
    const file = attached === undefined ? undefined : files.get(attached);
    if (file !== undefined) out[p.name] = { filename: file.filename ?? "", bytes: file.data };
    else if (p.name === "reply_markup" || value.startsWith("{") || value.startsWith("[")) out[p.name] = JSON.parse(value) as unknown;
    else out[p.name] = /^-?\d{1,15}$/.test(value) && p.name === "chat_id" ? Number(value) : value;
  }
  return out;
}

export async function startFakeTelegram(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = opts.token ?? "123:abc";
  const botId = Number(token.split(":")[0]);
  const bot = { id: botId, username: "loket_test_bot" };
  const botUser = { id: botId, is_bot: true, first_name: "Loket", username: bot.username };
  const events = new EventEmitter();
  events.setMaxListeners(1000);
  const calls: RecordedCall[] = [];
  const updates: JsonObject[] = [];
  let nextUpdateId = 500_000;
  let confirmedBelow = 0;
  let callbackSeq = 0;
  const chats = new Map<number, FakeMessage[]>();
  const messageSeq = new Map<number, number>();
  const failures = new Map<string, ApiFailure[]>();
  const blocked = new Set<number>();
  const holds = new Map<string, { waiting: (() => void)[]; released: boolean; match: (p: JsonObject) => boolean; resolveArrived: (c: RecordedCall) => void }>();
  let webhookInfo: { url: string; secret_token?: string } | null = null;
  const commandSets = new Map<string, { command: string; description: string }[]>();
  let menu: unknown = null;
  let poll: { respond: (u: JsonObject[]) => void; conflict: () => void; timer: NodeJS.Timeout } | null = null;

  const chatOf = (id: number) => {
    let c = chats.get(id);
    if (!c) chats.set(id, (c = []));
    return c;
  };
  const nextMessageId = (chatId: number) => {
    const n = (messageSeq.get(chatId) ?? 0) + 1;
    messageSeq.set(chatId, n);
    return n;
  };
  const privateChat = (user: FakeUser) => ({ id: user.id, type: "private", first_name: user.first_name ?? "Payer" });
  const fromUser = (user: FakeUser) => ({
    id: user.id,
    is_bot: false,
    first_name: user.first_name ?? "Payer",
    ...(user.last_name === undefined ? {} : { last_name: user.last_name }),
    ...(user.language_code === undefined ? {} : { language_code: user.language_code }),
  });
  const now = () => Math.floor(Date.now() / 1000);

  function record(method: string, payload: JsonObject, status: "ok" | number): RecordedCall {
    const call = { seq: calls.length + 1, method, payload, status };
    calls.push(call);
    events.emit("call", call);
    return call;
  }

  function pending(): JsonObject[] {
    return updates.filter((u) => (u.update_id as number) >= confirmedBelow);
  }

  function pushUpdate(update: JsonObject): number {
    const id = nextUpdateId++;
    const from =
      (update.message as { chat?: { id?: unknown } } | undefined)?.chat?.id ?? (update.callback_query as { from?: { id?: unknown } } | undefined)?.from?.id;
    if (typeof from === "number") lastInbound.set(from, Date.now());
    updates.push({ update_id: id, ...update });
    if (poll) {
      const p = poll;
      poll = null;
      clearTimeout(p.timer);
      p.respond(pending());
    }
    return id;
  }

  function messageJson(m: FakeMessage): JsonObject {
    return {
      message_id: m.message_id,
      date: now(),
      chat: { id: m.chat_id, type: "private", first_name: "Payer" },
      from: botUser,
      ...(m.photo === undefined
        ? { text: m.text }
        : {
            photo: [
              { file_id: `photo-${m.chat_id}-${m.message_id}`, file_unique_id: `u${m.message_id}`, width: 512, height: 512, file_size: m.photo.bytes.length },
            ],
            ...(m.text === "" ? {} : { caption: m.text }),
          }),
      ...(m.buttons.length > 0 ? { reply_markup: { inline_keyboard: m.buttons } } : {}),
    };
  }

  function buttonsOf(markup: unknown): Button[][] {
    const rows = (markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard;
    return Array.isArray(rows) ? rows.map((r) => r.map((b) => ({ text: String(b.text), callback_data: String(b.callback_data) }))) : [];
  }

  function checkText(payload: JsonObject): { ok: true; text: string } | ApiFailure {
    const raw = payload.text;
    if (typeof raw !== "string" || raw.length === 0) return { error_code: 400, description: "Bad Request: message text is empty" };
    let text = raw;
    if (payload.parse_mode === "HTML") {
      const parsed = parseTelegramHtml(raw);
      if (!parsed.ok) return { error_code: 400, description: `Bad Request: ${parsed.error}` };
      text = parsed.text;
    }
    if (text.trim().length === 0) return { error_code: 400, description: "Bad Request: message text is empty" };
    if (text.length > 4096) return { error_code: 400, description: "Bad Request: message is too long" };
    for (const row of buttonsOf(payload.reply_markup)) {
      for (const b of row) {
        if (Buffer.byteLength(b.callback_data) > 64 || b.callback_data.length === 0)
          return { error_code: 400, description: "Bad Request: BUTTON_DATA_INVALID" };
      }
    }
    return { ok: true, text };
  }

  type Answer = { ok: true; result: unknown } | ({ ok: false } & ApiFailure);

  const recentSends: number[] = [];
  const lastInbound = new Map<number, number>();
  const bulkSends: number[] = [];
  const chatTokens = new Map<number, { tokens: number; at: number }>();
  let rateLimited = 0;
  /** retry_after in seconds when this send breaks `limits`, or null when it may go. */
  function overTelegramLimits(method: string, chatId: number): number | null {
    const l = opts.limits;
    if (l === undefined || !SEND_METHODS.has(method) || !Number.isFinite(chatId)) return null;
    const t = Date.now();
    const second = l.secondMs ?? 1000;
    const bucket = chatTokens.get(chatId) ?? { tokens: l.chatBurst, at: t };
    bucket.tokens = Math.min(l.chatBurst, bucket.tokens + ((t - bucket.at) / second) * l.chatPerSecond);
    bucket.at = t;
    chatTokens.set(chatId, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / l.chatPerSecond));
    const proactive = t - (lastInbound.get(chatId) ?? -Infinity) > (l.recentMs ?? 10_000);
    if (proactive) {
      while (bulkSends.length > 0 && t - bulkSends[0]! >= second) bulkSends.shift();
      if (bulkSends.length >= l.bulkPerSecond) return 1;
      bulkSends.push(t);
    }
    bucket.tokens -= 1;
    return null;
  }
  /** True when this send would exceed `sendsPerSecond` in the last second. */
  function overLimit(method: string): boolean {
    if (opts.sendsPerSecond === undefined || !SEND_METHODS.has(method)) return false;
    const t = Date.now();
    while (recentSends.length > 0 && t - recentSends[0]! >= 1000) recentSends.shift();
    if (recentSends.length >= opts.sendsPerSecond) {
      rateLimited++;
      return true;
    }
    recentSends.push(t);
    return false;
  }

  function handle(method: string, p: JsonObject): Answer | "long-poll" {
    const fail = (f: ApiFailure): Answer => ({ ok: false, ...f });
    if (overLimit(method)) return fail({ error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    const chatId = typeof p.chat_id === "number" ? p.chat_id : Number(p.chat_id);
    const wait = overTelegramLimits(method, chatId);
    if (wait !== null) {
      rateLimited++;
      return fail({ error_code: 429, description: `Too Many Requests: retry after ${wait}`, parameters: { retry_after: wait } });
    }
    switch (method) {
      case "getMe":
        return { ok: true, result: { ...botUser, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } };
      case "getUpdates": {
        if (webhookInfo)
          return fail({
            error_code: 409,
            description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          });
        if (typeof p.offset === "number") {
          confirmedBelow = Math.max(confirmedBelow, p.offset);
          events.emit("confirmed");
        }
        const ready = pending();
        if (ready.length > 0 || !(Number(p.timeout) > 0)) return { ok: true, result: ready.slice(0, Number(p.limit ?? 100)) };
        return "long-poll";
      }
      case "sendMessage": {
        if (blocked.has(chatId)) return fail({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
        const checked = checkText(p);
        if (!("ok" in checked)) return fail(checked);
        const m: FakeMessage = {
          message_id: nextMessageId(chatId),
          chat_id: chatId,
          html: String(p.text),
          text: checked.text,
          parse_mode: typeof p.parse_mode === "string" ? p.parse_mode : null,
          buttons: buttonsOf(p.reply_markup),
          from_bot: true,
          edits: 0,
        };
        chatOf(chatId).push(m);
        return { ok: true, result: messageJson(m) };
      }
      case "sendPhoto": {
        if (blocked.has(chatId)) return fail({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
        const file = p.photo as { filename: string; bytes: Buffer } | string | undefined;
        if (file === undefined || typeof file === "string") return fail({ error_code: 400, description: "Bad Request: there is no photo in the request" });
        if (file.bytes.length === 0) return fail({ error_code: 400, description: "Bad Request: file must be non-empty" });
        if (!file.bytes.subarray(0, 8).equals(PNG_SIGNATURE) && !file.bytes.subarray(0, 3).equals(JPEG_SIGNATURE)) {
          return fail({ error_code: 400, description: "Bad Request: IMAGE_PROCESS_FAILED" });
        }
        let caption = "";
        if (p.caption !== undefined) {
          const raw = String(p.caption);
          caption = raw;
          if (p.parse_mode === "HTML") {
            const parsed = parseTelegramHtml(raw);
            if (!parsed.ok) return fail({ error_code: 400, description: `Bad Request: ${parsed.error}` });
            caption = parsed.text;
          }
          if (caption.length > 1024) return fail({ error_code: 400, description: "Bad Request: message caption is too long" });
        }
        for (const row of buttonsOf(p.reply_markup)) {
          for (const b of row) if (Buffer.byteLength(b.callback_data) > 64) return fail({ error_code: 400, description: "Bad Request: BUTTON_DATA_INVALID" });
        }
        const m: FakeMessage = {
          message_id: nextMessageId(chatId),
          chat_id: chatId,
          html: typeof p.caption === "string" ? p.caption : "",
          text: caption,
          parse_mode: typeof p.parse_mode === "string" ? p.parse_mode : null,
          buttons: buttonsOf(p.reply_markup),
          from_bot: true,
          edits: 0,
          photo: file,
        };
        chatOf(chatId).push(m);
        return { ok: true, result: messageJson(m) };
      }
      case "editMessageText": {
        if (blocked.has(chatId)) return fail({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
        const m = chatOf(chatId).find((x) => x.message_id === Number(p.message_id) && x.from_bot);
        if (!m) return fail({ error_code: 400, description: "Bad Request: message to edit not found" });
        if (m.photo !== undefined) return fail({ error_code: 400, description: "Bad Request: there is no text in the message to edit" });
        const checked = checkText(p);
        if (!("ok" in checked)) return fail(checked);
        const buttons = buttonsOf(p.reply_markup);
        if (m.html === p.text && JSON.stringify(m.buttons) === JSON.stringify(buttons)) {
          return fail({
            error_code: 400,
            description:
              "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
          });
        }
        m.html = String(p.text);
        m.text = checked.text;
        m.parse_mode = typeof p.parse_mode === "string" ? p.parse_mode : null;
        m.buttons = buttons;
        m.edits++;
        return { ok: true, result: { ...messageJson(m), edit_date: now() } };
      }
      case "answerCallbackQuery":
        if (typeof p.text === "string" && p.text.length > 200) return fail({ error_code: 400, description: "Bad Request: MESSAGE_TOO_LONG" });
        return { ok: true, result: true };
      case "setMyCommands":
        commandSets.set(typeof p.language_code === "string" ? p.language_code : "", p.commands as { command: string; description: string }[]);
        return { ok: true, result: true };
      case "setChatMenuButton":
        menu = p.menu_button ?? null;
        return { ok: true, result: true };
      case "setWebhook":
        webhookInfo = { url: String(p.url), ...(typeof p.secret_token === "string" ? { secret_token: p.secret_token } : {}) };
        return { ok: true, result: true };
      case "deleteWebhook":
        webhookInfo = null;
        if (p.drop_pending_updates === true) confirmedBelow = nextUpdateId;
        return { ok: true, result: true };
      case "getWebhookInfo":
        return { ok: true, result: { url: webhookInfo?.url ?? "", has_custom_certificate: false, pending_update_count: pending().length } };
      case "sendChatAction":
      case "deleteMyCommands":
        return { ok: true, result: true };
      default:
        return fail({ error_code: 404, description: "Not Found: method not found" });
    }
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  async function readJson(req: IncomingMessage): Promise<JsonObject> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const boundary = /^multipart\/form-data;\s*boundary=(.+)$/i.exec(req.headers["content-type"] ?? "")?.[1];
    if (boundary !== undefined) return readMultipart(Buffer.concat(chunks), boundary.replace(/^"|"$/g, ""));
    const raw = Buffer.concat(chunks).toString("utf8");
    if (raw.trim() === "") return {};
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === "object" ? (parsed as JsonObject) : {};
  }

  const server = createServer((req, res) => {
    void (async () => {
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
      if (!m) return send(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      if (m[1] !== token) return send(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
      const method = m[2]!;
      const payload = await readJson(req);

      const hold = holds.get(method);
      if (hold && !hold.released && hold.match(payload)) {
        // Not recorded yet: it is recorded with its real answer once released.
        hold.resolveArrived({ seq: 0, method, payload, status: "ok" });
        await new Promise<void>((resolve) => hold.waiting.push(resolve));
      }

      const queued = method === "getUpdates" ? undefined : failures.get(method)?.length ? failures.get(method) : failures.get("*");
      const injected = queued?.shift();
      if (injected) {
        record(method, payload, injected.error_code);
        return send(res, injected.error_code, { ok: false, ...injected });
      }

      const answer = handle(method, payload);
      if (answer === "long-poll") {
        if (poll) {
          const old = poll;
          poll = null;
          clearTimeout(old.timer);
          old.conflict();
        }
        const timeoutMs = Number(payload.timeout) * 1000;
        record(method, payload, "ok");
        await new Promise<void>((resolve) => {
          const entry = {
            respond: (u: JsonObject[]) => {
              send(res, 200, { ok: true, result: u.slice(0, Number(payload.limit ?? 100)) });
              resolve();
            },
            conflict: () => {
              send(res, 409, {
                ok: false,
                error_code: 409,
                description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
              });
              resolve();
            },
            timer: setTimeout(() => {
              if (poll === entry) poll = null;
              send(res, 200, { ok: true, result: [] });
              resolve();
            }, timeoutMs),
          };
          poll = entry;
          res.on("close", () => {
            if (poll === entry) {
              poll = null;
              clearTimeout(entry.timer);
            }
            resolve();
          });
        });
        return;
      }
      record(method, payload, answer.ok ? "ok" : answer.error_code);
      send(res, answer.ok ? 200 : answer.error_code, answer);
    })().catch((err: unknown) => send(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  function waitForCall(match: (c: RecordedCall) => boolean, what = "a matching call"): Promise<RecordedCall> {
    return waitForCallAfter(0, match, what);
  }

  function waitForCallAfter(seq: number, match: (c: RecordedCall) => boolean, what = "a matching call", timeoutMs = 15_000): Promise<RecordedCall> {
    for (let i = Math.max(0, seq); i < calls.length; i++) if (match(calls[i]!)) return Promise.resolve(calls[i]!);
    return new Promise((resolve, reject) => {
      // A guard against a hanging test, not a wait: every expected call arrives in milliseconds.
      const guard = setTimeout(() => {
        events.off("call", on);
        reject(new Error(`fake telegram: timed out waiting for ${what}; last calls: ${JSON.stringify(calls.slice(-5).map((c) => [c.method, c.status]))}`));
      }, timeoutMs);
      const on = (c: RecordedCall) => {
        if (!match(c)) return;
        clearTimeout(guard);
        events.off("call", on);
        resolve(c);
      };
      events.on("call", on);
    });
  }

  const fake: FakeTelegram = {
    token,
    apiRoot: `http://127.0.0.1:${port}`,
    port,
    bot,
    calls,
    callsOf: (method, chatId) => calls.filter((c) => c.method === method && (chatId === undefined || Number(c.payload.chat_id) === chatId)),
    waitForCall,
    waitForCallAfter,
    pushUpdate,
    sendText(user, text) {
      const chatId = user.id;
      const m: FakeMessage = { message_id: nextMessageId(chatId), chat_id: chatId, html: text, text, parse_mode: null, buttons: [], from_bot: false, edits: 0 };
      chatOf(chatId).push(m);
      // As Telegram does: a leading /command is marked as a bot_command entity.
      const command = /^\/\w+/.exec(text);
      const entities = command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {};
      return pushUpdate({
        message: { message_id: m.message_id, date: now(), chat: privateChat(user), from: fromUser(user), text, ...entities },
      });
    },
    tap(user, messageId, data) {
      const m = chatOf(user.id).find((x) => x.message_id === messageId);
      return pushUpdate({
        callback_query: {
          id: `cb${++callbackSeq}`,
          from: fromUser(user),
          chat_instance: `ci${user.id}`,
          data,
          ...(m ? { message: messageJson(m) } : {}),
        },
      });
    },
    tapChoice(user, prefix) {
      const messages = chatOf(user.id).filter((m) => m.from_bot);
      for (let i = messages.length - 1; i >= 0; i--) {
        const m = messages[i]!;
        // Loket's data is `<nonce>|<choice>`; another bot's may be the choice alone.
        const button = m.buttons
          .flat()
          .find((b) => (b.callback_data.includes("|") ? (b.callback_data.split("|")[1] ?? "") : b.callback_data).startsWith(prefix));
        if (button) return { updateId: fake.tap(user, m.message_id, button.callback_data), data: button.callback_data, messageId: m.message_id };
      }
      throw new Error(`fake telegram: no button for ${prefix} in chat ${user.id}; last: ${messages.at(-1)?.text ?? "(none)"}`);
    },
    setMember(user, status) {
      return pushUpdate({
        my_chat_member: {
          chat: privateChat(user),
          from: fromUser(user),
          date: now(),
          old_chat_member: { user: botUser, status: status === "kicked" ? "member" : "kicked" },
          new_chat_member: { user: botUser, status, ...(status === "kicked" ? { until_date: 0 } : {}) },
        },
      });
    },
    unconfirmed: () => pending().map((u) => u.update_id as number),
    rewind(updateId) {
      confirmedBelow = Math.min(confirmedBelow, updateId);
    },
    waitConfirmed(updateId) {
      if (confirmedBelow > updateId) return Promise.resolve();
      return new Promise((resolve) => {
        const on = () => {
          if (confirmedBelow > updateId) {
            events.off("confirmed", on);
            resolve();
          }
        };
        events.on("confirmed", on);
      });
    },
    chat: (chatId) => [...chatOf(chatId)],
    botMessages: (chatId) => chatOf(chatId).filter((m) => m.from_bot),
    rateLimitedCount: () => rateLimited,
    failNext(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(method, list);
    },
    block: (chatId) => void blocked.add(chatId),
    hold(method, match = () => true) {
      let resolveArrived!: (c: RecordedCall) => void;
      const arrived = new Promise<RecordedCall>((r) => (resolveArrived = r));
      const entry = { waiting: [] as (() => void)[], released: false, match, resolveArrived };
      holds.set(method, entry);
      return {
        arrived,
        release() {
          entry.released = true;
          holds.delete(method);
          for (const w of entry.waiting.splice(0)) w();
        },
      };
    },
    queryIdOf(updateId) {
      const query = updates.find((u) => u.update_id === updateId)?.callback_query as { id?: string } | undefined;
      if (query?.id === undefined) throw new Error(`fake telegram: update ${updateId} is not a tap`);
      return query.id;
    },
    webhook: () => webhookInfo,
    commands: (languageCode = "") => commandSets.get(languageCode),
    menuButton: () => menu,
    async close() {
      if (poll) {
        clearTimeout(poll.timer);
        poll.respond([]);
        poll = null;
      }
      for (const h of holds.values()) for (const w of h.waiting.splice(0)) w();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
