import type { TransportPorts } from "../app.ts";

/**
 * What an inbox-fed transport (Telegram, WhatsApp Cloud) waits for before it is idle or stopped,
 * once its own worker is: the engine's steps, the outbox's sends, then the paced calls still queued.
 */
export async function drainTransport(app: Pick<TransportPorts, "engine" | "delivery">, flood: { idle(): Promise<void> }): Promise<void> {
  await app.engine.idle();
  await app.delivery.flush();
  await flood.idle();
}
