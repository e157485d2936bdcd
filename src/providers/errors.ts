import type { FaultReason } from "./port.ts";

/** Transport-level faults of a provider call, built in one place (here) and folded into outcomes by clients. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly fault: FaultReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ProviderTimeoutError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "timeout", options);
  }
}

export class ProviderConnectionError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "network", options);
  }
}

export class ProviderHttpError extends ProviderError {
  constructor(
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(`provider answered HTTP ${statusCode}`, "http_status");
  }
}

export class ProviderBadBodyError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "bad_body", options);
  }
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

/** Turns whatever undici threw into one of our faults. */
export function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const name = (err as { name?: unknown } | null)?.name;
  if ((typeof code === "string" && TIMEOUT_CODES.has(code)) || name === "TimeoutError" || name === "AbortError") {
    return new ProviderTimeoutError("provider request timed out", { cause: err });
  }
  return new ProviderConnectionError("provider connection failed", { cause: err });
}
