import type { Logger } from "pino";
import type { WhatsappCloudConfig, WhatsappTemplateKind } from "../../config.ts";
import type { GroupCommitter } from "../../db/group-commit.ts";
import type { WhatsappCloudRepo } from "../../db/whatsapp-cloud-repo.ts";
import { SendError } from "../../domain/delivery/send-error.ts";
import type { OutboundMessage } from "../../domain/messages.ts";
import type { Locale } from "../../i18n.ts";
import { backoffMs } from "../../shared/backoff.ts";
import { qrPng } from "../qr-image.ts";
import type { FloodControl, TrafficPriority } from "../telegram/flood-control.ts";
import { maskWaId } from "./address.ts";
import type { CloudAlerts } from "./alerts.ts";
import type { GraphClient } from "./graph-client.ts";
import { verdictOf, type Verdict } from "./graph-errors.ts";
import { graphBody, renderCloud, type RenderWords } from "./render.ts";
import { templateBody, templateFor, templateKindOf, templateParam } from "./templates.ts";
import { windowOpen } from "./window.ts";

/**
 * How long a message that may not go yet (outside the window without a usable template) waits in
 * the outbox before it is looked at again. The person writing again wakes it at once.
 */
export const HOLD_MS = 15 * 60_000;
/** A refused token is tried again after this; an operator must replace it. */
export const TOKEN_RETRY_MS = 5 * 60_000;
/** The longest wait after Meta's pair rate limit (131056), which backs off 4^n seconds. */
export const MAX_PAIR_WAIT_MS = 15 * 60_000;

/** An uploaded QR picture is used again while it is this fresh (Meta keeps uploads 30 days). */
const MEDIA_TTL_MS = 24 * 3_600_000;
const MEDIA_CACHE_SIZE = 200;

export interface MessengerDeps {
  graph: GraphClient;
  repo: Pick<WhatsappCloudRepo, "contact" | "closeWindow">;
  config: Pick<WhatsappCloudConfig, "templates" | "templateLanguages">;
  flood: FloodControl;
  commits: GroupCommitter;
  alerts: CloudAlerts;
  /** The recipient's language and the words a rendered message needs in it. */
  wordsFor(address: string): { locale: Locale; words: RenderWords };
  /** The `wa_id` behind an outbox address, or null when the Cloud API cannot reach it. */
  resolve(address: string): string | null;
  now: () => number;
  log: Logger;
}

/**
 * The one place messages leave for Meta (docs/whatsapp-cloud.md#sending), shared by the outbox's
 * sender and the broadcast channel. Inside a person's 24-hour window a message goes as it is
 * (text, buttons, a list, a picture); outside it only an approved template may go, chosen by the
 * message's kind; without one the message is held. Meta's refusals become SendErrors
 * (docs/delivery.md#send-errors), with the waits Meta asks for.
 */
export function createCloudMessenger(deps: MessengerDeps) {
  const { graph, log } = deps;
  /** Consecutive throughput refusals (130429 …) and pair-limit refusals per person (131056). */
  let numberStrikes = 0;
  const pairStrikes = new Map<string, number>();
  const media = new Map<string, { id: string; at: number }>();

  function succeeded(waId: string): void {
    numberStrikes = 0;
    pairStrikes.delete(waId);
  }

  /** Meta's answer as the outbox and broadcasts read it. */
  function sendErrorOf(v: Verdict, waId: string): SendError {
    switch (v.kind) {
      case "throttled": {
        if (v.scope === "pair") {
          // Meta: wait 4^n seconds after the n-th refusal in a row; other people are unaffected.
          const n = pairStrikes.get(waId) ?? 0;
          pairStrikes.set(waId, n + 1);
          if (pairStrikes.size > 10_000) pairStrikes.delete(pairStrikes.keys().next().value as string);
          return SendError.retryAfter(v.detail, Math.min(4 ** n * 1000, MAX_PAIR_WAIT_MS));
        }
        const ms = backoffMs(numberStrikes++, { firstMs: 1_000, capMs: 60_000 });
        // The whole number is over its throughput: everything waits, payers included.
        deps.flood.on429(undefined, ms);
        return SendError.retryAfter(v.detail, ms);
      }
      case "token":
        deps.alerts.token(v.detail);
        return SendError.retryAfter(v.detail, TOKEN_RETRY_MS);
      case "account":
        deps.alerts.account(v.detail);
        return SendError.accountLimited(v.detail);
      case "unreachable":
        return SendError.unreachable(v.detail, v.retryMs);
      case "transient":
        return SendError.transient(v.detail);
      default:
        return SendError.permanent(v.detail);
    }
  }

  async function mediaIdOf(payload: string): Promise<string> {
    const cached = media.get(payload);
    if (cached !== undefined && deps.now() - cached.at < MEDIA_TTL_MS) return cached.id;
    const id = await graph.uploadMedia(await qrPng(payload), "image/png", "qris.png");
    media.delete(payload);
    if (media.size >= MEDIA_CACHE_SIZE) media.delete(media.keys().next().value as string);
    media.set(payload, { id, at: deps.now() });
    return id;
  }

  /** One Graph send through the flood control: it waits for its turn and counts until its answer. */
  async function paced<T>(priority: TrafficPriority, waId: string, call: () => Promise<T>): Promise<T> {
    const answered = priority === "broadcast" ? await deps.flood.beforeBroadcast(waId, true) : await deps.flood.beforePayer(waId, true);
    try {
      return await call();
    } finally {
      answered();
    }
  }

  /** A free-form message (inside the window). Throws Graph errors as they come. */
  async function sendFree(waId: string, message: OutboundMessage, words: RenderWords, priority: TrafficPriority): Promise<string> {
    const content = renderCloud(message, words);
    const mediaId =
      (content.type === "image" || content.type === "buttons") && content.image !== undefined ? await mediaIdOf(content.image.payload) : undefined;
    return paced(priority, waId, () => graph.sendMessage(graphBody(waId, content, mediaId)));
  }

  /**
   * Outside the window: the approved template for the message's kind, its text as the one
   * parameter; `missing` says what becomes of a message without a usable template.
   */
  async function sendTemplate(
    waId: string,
    kind: WhatsappTemplateKind,
    html: string,
    locale: Locale,
    priority: TrafficPriority,
    missing: (reason: string) => SendError,
  ): Promise<string> {
    const template = templateFor(deps.config, kind, locale);
    if (template === null) {
      deps.alerts.noTemplate(kind);
      throw missing(`outside the 24-hour window and no WHATSAPP_TEMPLATE_${kind.toUpperCase()} configured`);
    }
    try {
      const id = await paced(priority, waId, () => graph.sendMessage(templateBody(waId, template, templateParam(html))));
      succeeded(waId);
      return id;
    } catch (err) {
      const v = verdictOf(err);
      if (v.kind === "template_refused") {
        deps.alerts.templateRefused(kind, template.name, template.language, v.detail);
        throw missing(`template ${template.name} refused: ${v.detail}`);
      }
      throw sendErrorOf(v, waId);
    }
  }

  /**
   * Meta says the window is closed although we thought it open: believed until the person writes.
   * Closed as of the refused send's start, so a message the person wrote meanwhile reopens it.
   */
  async function windowClosed(waId: string, sentAt: number): Promise<void> {
    await deps.commits.run(() => deps.repo.closeWindow(waId, sentAt));
    log.info({ to: maskWaId(waId) }, "Meta says the 24-hour window is closed (131047); using a template");
  }

  /**
   * Free-form while the 24-hour window is open, `outside` (a template, or a hold) when it is not —
   * including when Meta refuses the free-form message because the window closed after all.
   */
  async function freeOrTemplate(waId: string, free: () => Promise<string>, outside: () => Promise<string>): Promise<string> {
    if (!windowOpen(deps.repo.contact(waId), deps.now())) return outside();
    const sentAt = deps.now();
    try {
      const id = await free();
      succeeded(waId);
      return id;
    } catch (err) {
      if (err instanceof SendError) throw err;
      const v = verdictOf(err);
      if (v.kind !== "window_closed") throw sendErrorOf(v, waId);
      await windowClosed(waId, sentAt);
      return outside();
    }
  }

  const hold = (reason: string) => SendError.retryAfter(reason, HOLD_MS);

  return {
    /** An outbox message (MessageSender.send). Returns the wamid, kept as the outbox's sent message id. */
    async send(address: string, message: OutboundMessage): Promise<string> {
      const waId = deps.resolve(address);
      if (waId === null) throw SendError.permanent("not an address the WhatsApp Cloud API can reach (a phone number is needed)");
      const { locale, words } = deps.wordsFor(address);
      // A reminder is business-initiated like a broadcast, and paced like one.
      const priority: TrafficPriority = message.kind === "reminder" ? "broadcast" : "payer";
      const outside = async (): Promise<string> => {
        // Our QR cannot travel in a template: the picture waits for the person to write.
        if (message.image !== undefined) throw hold("a picture cannot go outside the 24-hour window");
        return sendTemplate(waId, templateKindOf(message), message.text, locale, priority, hold);
      };
      return freeOrTemplate(waId, () => sendFree(waId, message, words, priority), outside);
    },

    /**
     * One broadcast recipient: free-form inside the window, the broadcast template outside it.
     * Resolves with the wamid, kept on the recipient's row: Meta may refuse a free-form one afterwards.
     */
    async broadcast(address: string, html: string): Promise<string> {
      const waId = deps.resolve(address);
      if (waId === null) throw SendError.permanent("not an address the WhatsApp Cloud API can reach (a phone number is needed)");
      const { locale, words } = deps.wordsFor(address);
      // A broadcast recipient without a template fails (the runner records why) rather than stalling the broadcast.
      const outside = () => sendTemplate(waId, "broadcast", html, locale, "broadcast", (reason) => SendError.permanent(reason));
      return freeOrTemplate(waId, () => sendFree(waId, { text: html }, words, "broadcast"), outside);
    },
  };
}
export type CloudMessenger = ReturnType<typeof createCloudMessenger>;
