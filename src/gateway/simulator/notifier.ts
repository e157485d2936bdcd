import type { Dispatcher } from "undici";
import { ProviderTimeoutError, toProviderError } from "../../providers/errors.ts";
import { createHttpClient } from "../../providers/http.ts";
import type { GatewaySimStore, SimNotificationRow } from "./store.ts";

/**
 * Delivers the queued notifications by HTTP POST, as Midtrans does (docs/gateway.md#notifications):
 * JSON body, any 2xx is delivered, anything else is tried again later, a 301/302/303 is never
 * retried (Midtrans would turn the POST into an empty GET), redirects are not followed. Each
 * attempt is counted in the file before it is made, with the time of the next one, so a
 * simulator killed mid-send retries instead of forgetting, and two processes never send the
 * same attempt.
 */

/** Midtrans' documented retry schedule: 2, 10, 30, 90 and 210 minutes. */
export const MIDTRANS_RETRY_DELAYS_MS: readonly number[] = [2, 10, 30, 90, 210].map((minutes) => minutes * 60_000);

export interface NotifierOptions {
  store: GatewaySimStore;
  now: () => number;
  dispatcher?: Dispatcher;
  /** Midtrans gives up on an answer after 15 s. */
  timeoutMs?: number;
  retryDelaysMs?: readonly number[];
}

export interface Notifier {
  /** Sends every notification due now, one at a time, oldest first. */
  deliverDue(): Promise<void>;
  close(): Promise<void>;
}

const NO_RETRY = new Set([301, 302, 303]);

export function createNotifier(opts: NotifierOptions): Notifier {
  const { store, now } = opts;
  const retryDelays = opts.retryDelaysMs ?? MIDTRANS_RETRY_DELAYS_MS;
  // A delay of zero would let one failing receiver hold a delivery pass forever.
  if (retryDelays.some((ms) => !Number.isSafeInteger(ms) || ms <= 0)) throw new Error("notification retry delays must be positive whole milliseconds");
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const http = createHttpClient({
    ...(opts.dispatcher !== undefined && { dispatcher: opts.dispatcher }),
    responseTimeoutMs: timeoutMs,
    connectTimeoutMs: Math.min(timeoutMs, 5_000),
  });

  function claimNext(): SimNotificationRow | undefined {
    return store.transaction(() => {
      const at = now();
      const row = store.firstNotificationDueBy(at);
      if (row === undefined) return undefined;
      const attempts = row.attempts + 1;
      const retryIn = retryDelays[attempts - 1];
      store.claimNotification(row.id, attempts, retryIn === undefined ? null : at + retryIn);
      return { ...row, attempts };
    });
  }

  async function send(row: SimNotificationRow): Promise<void> {
    let result: string;
    let delivered = false;
    let retry = true;
    try {
      const res = await http.post(row.url, row.body, { "content-type": "application/json", accept: "application/json" });
      result = `HTTP ${res.statusCode}`;
      delivered = res.statusCode >= 200 && res.statusCode < 300;
      retry = !NO_RETRY.has(res.statusCode);
    } catch (err) {
      result = toProviderError(err) instanceof ProviderTimeoutError ? "timeout" : "connection failed";
    }
    store.transaction(() => {
      const current = store.notificationById(row.id);
      const dueAt = delivered || !retry ? null : (current?.dueAt ?? null);
      store.finishNotification(row.id, { deliveredAt: delivered ? now() : null, dueAt, lastResult: result });
    });
  }

  return {
    async deliverDue() {
      for (let row = claimNext(); row !== undefined; row = claimNext()) await send(row);
    },
    close: () => http.close(),
  };
}
