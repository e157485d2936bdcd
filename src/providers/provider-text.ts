/**
 * Text a provider sends us ends up in chat messages, the database and logs. Nothing bounds it on the
 * provider's side: a 5 KB `error_desc` made a Telegram message fail ("message is too long"), and a
 * database error ("ORA-01017: invalid username/password…") was shown to a payer word for word. Both
 * clients pass every provider text through here, so a payer only ever sees a short, cleaned excerpt of
 * the provider's own words, or none (and then our own localized reason).
 */

const REDACTED = "[redacted]";
const ELLIPSIS = "…";
export const DEFAULT_MAX_LENGTH = 120;

/**
 * Only the start of a huge text is looked at: what we show is a short excerpt of it, and the checks
 * below stay cheap on a body of megabytes.
 */
const SCAN_LENGTH = 2_000;

/** Control characters become spaces ("a\nb" stays two words); invisible format characters go. */
const CONTROL = /\p{Cc}+/gu;
const FORMAT = /\p{Cf}+/gu;
/** Half of a surrogate pair, which no platform can encode. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Anything shaped like a tag, closed or cut off at the end: `<b>`, `</div>`, `<br/>`, `<script src=…`. */
const TAG = /<\/?[A-Za-z!?][^<>]*(>|$)/g;
const WHITESPACE = /\s+/g;

/**
 * Words of a system, stack or database error rather than of a biller: such a text says nothing a payer
 * can act on and may leak internals. Each pattern is bounded (no nested or unbounded wildcards).
 */
const SYSTEM_ERROR_PATTERNS: readonly RegExp[] = [
  /\bORA-\d{4,5}\b/i, // Oracle
  /\bSQLSTATE\b/i,
  /exception\b/i, // "NullPointerException", "PDOException: …", "an exception occurred"
  /\b[A-Z][a-z]+(?:[A-Z][a-z]+)*Error\b/, // "TypeError", "RuntimeError" (not "SYSTEM ERROR")
  /\bTraceback \(most recent call last\)/i, // Python
  /\b(stack ?trace|backtrace|call stack)\b/i,
  /\b(fatal|parse) error\b/i, // PHP
  /\bUncaught\b/,
  /\b(at|on) line \d+/i,
  /\bat [\w$.<>]+ ?\([^()\s]*:\d+(:\d+)?\)/, // "at com.foo.Bar(Bar.java:12)", "at f (/app/x.js:3:9)"
  /\.(php|java|py|js|ts|cs|rb|go):\d+/i,
  /\bSELECT\b[^;]{0,200}\bFROM\b/i,
  /\bINSERT\s+INTO\b/i,
  /\bDELETE\s+FROM\b/i,
  /\bUPDATE\s+\S+\s+SET\b/i,
  /\b(SQL syntax|syntax error at or near|deadlock found|lock wait timeout|unknown column|duplicate key value|violates [a-z ]{0,30}constraint)\b/i,
  /\b(mysqli?|pg|sqlite3?|oci)_\w+\s*\(/i, // "mysqli_connect(", "pg_query("
  /\b(undefined (index|variable|offset|method|function)|call to (undefined|a member function))\b/i, // PHP
  /\bsegmentation fault\b|\bcore dumped\b/i,
  /\bnull ?pointer\b/i,
];

/** Whether a (cleaned) provider text is a system, stack or database error rather than a message. */
export function looksLikeSystemError(text: string): boolean {
  return SYSTEM_ERROR_PATTERNS.some((pattern) => pattern.test(text));
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== "") out = out.split(secret).join(REDACTED);
  return out;
}

/** One line of plain, visible text: no tags, no control characters, single spaces. */
function normalize(text: string): string {
  return text.replace(LONE_SURROGATE, "").replace(TAG, " ").replace(CONTROL, " ").replace(FORMAT, "").replace(WHITESPACE, " ").trim();
}

/** At most `maxLength` characters (code points, so an emoji is never split), "…" marking a cut. */
function excerpt(text: string, maxLength: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxLength) return text;
  return `${chars
    .slice(0, Math.max(0, maxLength - 1))
    .join("")
    .trimEnd()}${ELLIPSIS}`;
}

/**
 * A provider's message (IAK `message`, Espay `error_desc`/`error_message`/`description`) as a payer may
 * see it: secrets removed, tags and control characters stripped, whitespace collapsed, cut to
 * `maxLength` characters with "…". Blank text and text that looks like a system or database error give
 * undefined, so the caller falls back to its own words.
 */
export function cleanProviderText(text: string | undefined | null, secrets: readonly string[], maxLength = DEFAULT_MAX_LENGTH): string | undefined {
  if (typeof text !== "string") return undefined;
  // Redacted before and after normalizing: a secret split by a control or invisible character is
  // joined again by the normalizing.
  const cleaned = redact(normalize(redact(text, secrets).slice(0, SCAN_LENGTH)), secrets);
  if (cleaned === "" || looksLikeSystemError(cleaned)) return undefined;
  return excerpt(cleaned, maxLength);
}

/**
 * A display field of a bill or receipt (name, period, branch, receipt note): bounded and made one
 * clean line, but kept otherwise as sent. Tags are not stripped here: a name like `SITI <B>` is a
 * name, and the renderers escape it.
 */
export function boundProviderField(text: string | undefined | null, maxLength = DEFAULT_MAX_LENGTH): string | undefined {
  if (typeof text !== "string") return undefined;
  const cleaned = text.slice(0, SCAN_LENGTH).replace(LONE_SURROGATE, "").replace(CONTROL, " ").replace(FORMAT, "").replace(WHITESPACE, " ").trim();
  return cleaned === "" ? undefined : excerpt(cleaned, maxLength);
}
