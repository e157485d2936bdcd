import { z } from "zod";
import type { BroadcastChannel } from "../../admin/broadcast/channel.ts";
import { SendError } from "../../domain/delivery/send-error.ts";
import { createPacedChannel } from "../../admin/broadcast/paced-channel.ts";
import { isPrivateChat } from "./jid.ts";
import { renderWhatsapp } from "./render.ts";
import type { WhatsappSocket } from "./socket.ts";

/** While WhatsApp is down nothing left: the recipient stays pending and is tried again after this. */
export const NOT_CONNECTED_RETRY_MS = 30_000;

const serverError = z.object({ message: z.string(), data: z.unknown().optional() });

/** WhatsApp answers an account that sends too much with an iq error "rate-overlimit" (code 429). */
export function isRateOverlimit(err: unknown): boolean {
  const parsed = serverError.safeParse(err);
  return parsed.success && (parsed.data.message.includes("rate-overlimit") || parsed.data.data === 429);
}

/**
 * Broadcast delivery on WhatsApp (docs/delivery.md#whatsapp-pacing): paced and capped per day by the shared paced channel;
 * this adds WhatsApp's own answers — not connected (try later, nothing was sent) and
 * rate-overlimit (pause the broadcast before the account is banned).
 */
export function createWhatsappBroadcastChannel(deps: {
  socket: () => WhatsappSocket | null;
  minDelayMs: number;
  maxDelayMs: number;
  dailyCap: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}): BroadcastChannel {
  return createPacedChannel({
    minDelayMs: deps.minDelayMs,
    maxDelayMs: deps.maxDelayMs,
    dailyCap: deps.dailyCap,
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
    ...(deps.random === undefined ? {} : { random: deps.random }),
    async send(address, html) {
      if (!isPrivateChat(address)) throw new Error("not a private WhatsApp chat address");
      const sock = deps.socket();
      if (sock === null) throw SendError.retryAfter("WhatsApp is not connected", NOT_CONNECTED_RETRY_MS);
      try {
        await sock.sendMessage(address, { text: renderWhatsapp({ text: html }, "") });
      } catch (err) {
        if (isRateOverlimit(err)) throw SendError.accountLimited("rate-overlimit");
        throw err;
      }
    },
  });
}
