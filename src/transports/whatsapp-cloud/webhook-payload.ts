import { z } from "zod";
import type { CloudInboundMessage, CloudStatus } from "../../db/whatsapp-cloud-repo.ts";
import { isWaId } from "./address.ts";

/**
 * Meta's webhook envelope (docs/whatsapp-cloud.md#webhook), checked once at the edge: every entry,
 * every change of field `messages`, and in each either messages (with contacts), statuses or errors.
 * What a message carries beyond the envelope is checked when it is handled (inbound.ts).
 */
const timestamp = z.string().regex(/^\d{1,12}$/);

const inboundMessage = z.looseObject({
  from: z.string(),
  id: z.string().min(1).max(512),
  timestamp,
  type: z.string().max(64),
});

const statusError = z.looseObject({
  code: z.number().int(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});

const status = z.looseObject({
  id: z.string().min(1).max(512),
  status: z.string().max(32),
  timestamp,
  recipient_id: z.string().max(64),
  errors: z.array(statusError).optional(),
});

const value = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z.looseObject({ phone_number_id: z.string() }).optional(),
  contacts: z.array(z.looseObject({ wa_id: z.string().optional(), profile: z.looseObject({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(statusError).optional(),
});

const envelope = z.looseObject({
  object: z.string(),
  entry: z.array(z.looseObject({ changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })) })),
});

/** What is stored for one inbound message: Meta's message object and the sender's profile name. */
export const storedInbound = z.object({
  message: z.looseObject({ from: z.string(), id: z.string(), timestamp, type: z.string() }),
  name: z.string().optional(),
});
export type StoredInbound = z.infer<typeof storedInbound>;

export interface ParsedWebhook {
  messages: CloudInboundMessage[];
  statuses: CloudStatus[];
  /** Account-level errors Meta reported (logged). */
  errors: { code: number; detail: string }[];
  /** Changes for another phone number or of another field, and items that were not readable. */
  skipped: number;
}

function detailOf(e: z.infer<typeof statusError>): string {
  return e.error_data?.details ?? e.message ?? e.title ?? "";
}

/**
 * The envelope's messages and statuses for our phone number, or null when the body is not a
 * WhatsApp Business Account notification at all. Another number's changes (an app serving several)
 * and unreadable items are skipped, not fatal: Meta would re-deliver the whole batch for ever.
 * Meta's timestamps are seconds; they are kept in milliseconds, never later than `now`.
 */
export function parseWebhook(body: unknown, phoneNumberId: string, now: number): ParsedWebhook | null {
  const parsed = envelope.safeParse(body);
  if (!parsed.success || parsed.data.object !== "whatsapp_business_account") return null;
  const out: ParsedWebhook = { messages: [], statuses: [], errors: [], skipped: 0 };
  const at = (seconds: string) => Math.min(Number(seconds) * 1000, now);
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      const v = value.safeParse(change.value);
      if (change.field !== "messages" || !v.success || v.data.metadata?.phone_number_id !== phoneNumberId) {
        out.skipped++;
        continue;
      }
      const names = new Map<string, string>();
      for (const c of v.data.contacts ?? []) if (c.wa_id !== undefined && c.profile?.name !== undefined) names.set(c.wa_id, c.profile.name);
      for (const raw of v.data.messages ?? []) {
        const m = inboundMessage.safeParse(raw);
        if (!m.success || !isWaId(m.data.from)) {
          out.skipped++;
          continue;
        }
        const name = names.get(m.data.from);
        const stored: StoredInbound = { message: m.data, ...(name === undefined ? {} : { name }) };
        out.messages.push({ wamid: m.data.id, waId: m.data.from, payload: JSON.stringify(stored), sentAt: at(m.data.timestamp) });
      }
      for (const raw of v.data.statuses ?? []) {
        const s = status.safeParse(raw);
        if (!s.success) {
          out.skipped++;
          continue;
        }
        const error = s.data.errors?.[0];
        out.statuses.push({
          wamid: s.data.id,
          status: s.data.status,
          recipient: s.data.recipient_id,
          at: at(s.data.timestamp),
          errorCode: error?.code ?? null,
          errorDetail: error === undefined ? null : detailOf(error).slice(0, 500),
        });
      }
      for (const e of v.data.errors ?? []) out.errors.push({ code: e.code, detail: detailOf(e).slice(0, 500) });
    }
  }
  return out;
}
