import pino, { type Logger, type DestinationStream } from "pino";

/** Field names that never reach a log line in clear (secrets never appear in logs). */
export const REDACT_PATHS = [
  "apiKey",
  "*.apiKey",
  "api_key",
  "*.api_key",
  "sign",
  "*.sign",
  "signature",
  "*.signature",
  "password",
  "*.password",
  "*.basicPassword",
  "*.signatureKey",
  "token",
  "*.token",
  "*.botToken",
  "customerNumber",
  "*.customerNumber",
  "customer_number",
  "*.customer_number",
  "name",
  "*.name",
  "tr_name",
  "*.tr_name",
  "headers.authorization",
  "*.headers.authorization",
];

/**
 * Secrets can hide inside error text, where path redaction cannot see them: a Telegram request URL
 * carries the bot token (`…/bot123:ABC/getUpdates`), a Basic auth header its password.
 */
export function scrubSecrets(text: string): string {
  return text.replace(/bot\d+:[A-Za-z0-9_-]+/g, "bot[redacted]").replace(/(Basic|Bearer)\s+[A-Za-z0-9+/=._-]+/g, "$1 [redacted]");
}

function scrubError(value: unknown, depth = 0): unknown {
  if (!value || typeof value !== "object" || depth > 4) return typeof value === "string" ? scrubSecrets(value) : value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = typeof v === "string" ? scrubSecrets(v) : scrubError(v, depth + 1);
  return out;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      base: { app: "loket" },
      serializers: { err: (err: Error) => scrubError(pino.stdSerializers.err(err)) },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args;
          if (typeof first === "string") return method.apply(this, [scrubSecrets(first), ...rest] as Parameters<typeof method>);
          const last = rest.at(-1);
          if (typeof last === "string") rest[rest.length - 1] = scrubSecrets(last);
          return method.apply(this, [first, ...rest] as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** A fast append-only file destination (the console chat keeps the terminal for the conversation). */
export function fileDestination(fd: number): DestinationStream {
  return pino.destination({ fd });
}
