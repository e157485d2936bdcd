import type { BroadcastChannel } from "./channel.ts";

/**
 * WhatsApp-style pacing (docs/delivery.md#whatsapp-pacing): one message at a time, a jittered pause between messages
 * (default 3–6 s) and a daily cap, because an account that sends like a machine gets banned.
 */
export function createPacedChannel(deps: {
  send: (address: string, html: string) => Promise<void>;
  minDelayMs: number;
  maxDelayMs: number;
  dailyCap: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}): BroadcastChannel {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  const random = deps.random ?? Math.random;
  let first = true;
  return {
    inFlight: 1,
    underDailyCap: (sentToday) => sentToday < deps.dailyCap,
    async send(address, html) {
      if (!first) await sleep(deps.minDelayMs + Math.floor(random() * (deps.maxDelayMs - deps.minDelayMs + 1)));
      first = false;
      await deps.send(address, html);
    },
  };
}
