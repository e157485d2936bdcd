import pino, { type Logger, type DestinationStream } from "pino";

/** Field names that never reach a log line in clear (SPEC §9: secrets never appear in logs). */
export const REDACT_PATHS = [
  "apiKey", "*.apiKey", "api_key", "*.api_key",
  "sign", "*.sign", "signature", "*.signature",
  "password", "*.password", "*.basicPassword", "*.signatureKey",
  "token", "*.token", "*.botToken",
  "customerNumber", "*.customerNumber", "customer_number", "*.customer_number",
  "name", "*.name", "tr_name", "*.tr_name",
  "headers.authorization", "*.headers.authorization",
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      base: { app: "loket" },
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
