import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import type { TransportPorts } from "../../app.ts";
import type { BroadcastChannel } from "../../admin/broadcast/channel.ts";
import type { InboxRow } from "../../db/telegram-inbox-repo.ts";
import type { MessageSender } from "../../domain/delivery/message-sender.ts";
import type { OutboundMessage } from "../../domain/messages.ts";
import { localeOr } from "../../i18n.ts";
import { readJson } from "../../shared/json.ts";
import { jidKind } from "../whatsapp/jid.ts";
import { createFloodControl, type FloodControl } from "../telegram/flood-control.ts";
import { createUpdateWorker } from "../telegram/update-worker.ts";
import { maskWaId, personJidOf, waIdOfAddress } from "./address.ts";
import { createCloudAlerts } from "./alerts.ts";
import { createGraphClient } from "./graph-client.ts";
import { withAdminIdentity } from "./identity.ts";
import { inboundToRoute } from "./inbound.ts";
import { createCloudMessenger } from "./messenger.ts";
import type { ParsedWebhook } from "./webhook-payload.ts";
import { WEBHOOK_MAX_BODY_BYTES, WEBHOOK_PATH, createCloudWebhook } from "./webhook.ts";
import { windowOpen } from "./window.ts";
import { drainTransport } from "../drain.ts";

const DAY_MS = 24 * 3_600_000;
/** Handled inbox rows outlive Meta's 7 days of re-delivery, so a late duplicate is still known. */
export const INBOX_RETENTION_MS = 8 * DAY_MS;
export const STATUS_RETENTION_MS = 30 * DAY_MS;

export interface StartWhatsappCloudDeps {
  /** undici dispatcher for the Graph API (tests may pass one; a keep-alive pool otherwise). */
  dispatcher?: Dispatcher;
  /** The pacing budget (tests inject one); made from WHATSAPP_CLOUD_BROADCAST_RATE otherwise. */
  flood?: FloodControl;
  /** Per Graph call (default 15 s). */
  graphTimeoutMs?: number;
  /** false: store webhooks but do not hand them to the engine (crash tests). Default true. */
  processUpdates?: boolean;
  log?: Logger;
}

export interface WhatsappCloudTransport {
  /** The path the webhook is mounted at. */
  path: string;
  sender: MessageSender;
  broadcastChannel: BroadcastChannel;
  flood: FloodControl;
  /** Resolves when stored messages are handled and the outbox has sent what is due. */
  idle(): Promise<void>;
  /** Drops handled inbox rows and old statuses (daily while running). */
  prune(): number;
  stop(): Promise<void>;
}

const sentMessage = (payload: string): OutboundMessage | null => {
  const value = readJson(payload) as OutboundMessage | undefined;
  return value !== undefined && value !== null && typeof value.text === "string" ? value : null;
};

/**
 * The WhatsApp Cloud API transport (docs/whatsapp-cloud.md), WHATSAPP_MODE=cloud: Meta's official
 * API instead of a linked phone, so no ban for "unofficial client". Its webhook on the bot's HTTP
 * server stores each message in its inbox before answering 200; the inbox worker (the Telegram
 * transport's, reused) hands each person's messages to the engine in order; the outbox's sender and
 * the broadcast channel send through the Graph API, with templates outside the 24-hour window.
 */
export async function startWhatsappCloud(app: TransportPorts, deps: StartWhatsappCloudDeps = {}): Promise<WhatsappCloudTransport> {
  const config = app.config.whatsappCloud;
  if (config === null) throw new Error("startWhatsappCloud needs WHATSAPP_MODE=cloud");
  const log = deps.log ?? app.log.child({ transport: "whatsapp-cloud" });
  const { users } = app.repos;
  const repo = app.repos.whatsappCloud;
  const flood = deps.flood ?? createFloodControl({ broadcastRatePerSecond: config.broadcastRate });
  const graph = createGraphClient({
    baseUrl: config.graphBaseUrl,
    version: config.graphVersion,
    phoneNumberId: config.phoneNumberId,
    token: config.token,
    ...(deps.graphTimeoutMs === undefined ? {} : { timeoutMs: deps.graphTimeoutMs }),
    ...(deps.dispatcher === undefined ? {} : { dispatcher: deps.dispatcher }),
  });
  const alerts = createCloudAlerts({ notifier: app.notifier, commits: app.commits, t: app.t, log, now: app.now });

  const localeOf = (address: string) => localeOr(users.findByIdentity("whatsapp", address)?.locale, app.config.defaultLocale);
  const messenger = createCloudMessenger({
    graph,
    repo,
    config,
    flood,
    commits: app.commits,
    alerts,
    now: app.now,
    log,
    wordsFor(address) {
      const locale = localeOf(address);
      return {
        locale,
        words: {
          replyWithNumber: app.t(locale, "whatsapp.reply_with_number"),
          listButton: app.t(locale, "whatsapp_cloud.list_button"),
          listSection: app.t(locale, "whatsapp_cloud.list_section"),
        },
      };
    },
    resolve(address) {
      const waId = waIdOfAddress(address);
      if (waId !== null || jidKind(address) !== "lid") return waId;
      // Someone last seen by LID through Baileys: their phone number, if WhatsApp ever revealed it.
      const user = users.findByIdentity("whatsapp", address);
      const phone = user === undefined ? undefined : users.identitiesOf(user.id).find((i) => i.platform === "whatsapp" && jidKind(i.external_id) === "pn");
      return phone === undefined ? null : waIdOfAddress(phone.external_id);
    },
  });
  const sender: MessageSender = { send: (address, message) => messenger.send(address, message) };
  const pacing = app.config.broadcast;
  const broadcastChannel: BroadcastChannel = {
    inFlight: pacing.inFlight,
    underDailyCap: (sentToday) => sentToday < pacing.whatsappDailyCap,
    send: (address, html) => messenger.broadcast(address, html),
  };
  app.delivery.registerSender("whatsapp", sender);
  app.delivery.registerBroadcastChannel("whatsapp", broadcastChannel);

  /**
   * A broadcast Meta accepted and then refused for the window (131047): that recipient failed after
   * all, as the broadcast's report now says, and the window is closed as of its send — the next
   * broadcast to them goes as the template (docs/whatsapp-cloud.md). Inside the status's commit.
   */
  function refusedBroadcast(wamid: string, recipient: string): boolean {
    const r = app.repos.broadcasts.bySentMessage("whatsapp", wamid);
    if (r === undefined) return false;
    app.repos.broadcasts.refusedAfterSent(r.broadcast_id, r.user_id, "refused by Meta after sending: outside the 24-hour window (131047)", app.now());
    repo.closeWindow(recipient, r.updated_at);
    return true;
  }

  /** Everything a notification carries, in one commit, before Meta is answered 200. */
  async function store(parsed: ParsedWebhook): Promise<void> {
    for (const e of parsed.errors) log.error({ code: e.code, detail: e.detail }, "WhatsApp Cloud reports an error for the account");
    if (parsed.messages.length === 0 && parsed.statuses.length === 0) return;
    const { rows, reopened } = await app.commits.run(() => {
      const now = app.now();
      const closedBefore = new Set(parsed.messages.filter((m) => !windowOpen(repo.contact(m.waId), now)).map((m) => m.waId));
      const rows = repo.storeInbound(parsed.messages, app.arrivalClock());
      const reopened = [...closedBefore].filter((waId) => windowOpen(repo.contact(waId), now));
      for (const s of parsed.statuses) {
        if (!repo.recordStatus(s, now) || s.status !== "failed") continue;
        log.warn({ wamid: s.wamid, code: s.errorCode, detail: s.errorDetail, to: maskWaId(s.recipient) }, "WhatsApp Cloud reports a message failed");
        if (s.errorCode !== 131047) continue;
        // Sent free-form, refused afterwards for the window: the same message again, now as a template (or held).
        const row = app.repos.outbox.sentWithMessageId("whatsapp", s.wamid);
        if (row === undefined && refusedBroadcast(s.wamid, s.recipient)) continue;
        const message = row === undefined ? null : sentMessage(row.payload);
        // Closed as of the refused message's send (our clock), or Meta's time for the failure: a
        // status arriving after the person wrote again must not close the window they reopened.
        const closedAt = row?.sent_at ?? s.at;
        repo.closeWindow((row === undefined ? null : waIdOfAddress(row.address)) ?? s.recipient, closedAt);
        if (row === undefined || message === null) continue;
        app.notifier.toAddress("whatsapp", row.address, row.user_id, message);
      }
      return { rows, reopened };
    });
    // After the 200's commit: the person wrote, so what was held for their window goes now, first.
    for (const waId of reopened) app.delivery.wake("whatsapp", personJidOf(waId));
    if (processUpdates && rows.length > 0) setImmediate(() => worker.add(rows));
  }

  const hasLidAdmins = app.config.admins.whatsapp.some((a) => a.endsWith("@lid"));
  const identities = {
    identitiesOf(userId: string): string[] {
      const user = users.findByIdentity("whatsapp", userId);
      return user === undefined ? [] : users.identitiesOf(user.id).flatMap((i) => (i.platform === "whatsapp" ? [i.external_id] : []));
    },
  };

  const refusedAt = new Map<string, number>();
  async function processRow(row: InboxRow): Promise<void> {
    const route = inboundToRoute(row.payload, app.now());
    switch (route.kind) {
      case "event": {
        const event = withAdminIdentity(route.event, identities, (id) => app.isAdmin("whatsapp", id), hasLidAdmins);
        await app.engine.handle({ ...event, receivedAt: row.received_at });
        return;
      }
      case "refused": {
        log.warn({ inbox: row.update_id }, "refused a WhatsApp reply id that is not ours");
        // The engine's per-payer limit does not see these: one refusal a minute per person is plenty.
        const last = refusedAt.get(route.event.userId);
        if (last !== undefined && app.now() - last < 60_000) return;
        refusedAt.set(route.event.userId, app.now());
        if (refusedAt.size > 10_000) refusedAt.delete(refusedAt.keys().next().value as string);
        const user = users.findByIdentity("whatsapp", route.event.userId);
        const locale = localeOr(user?.locale, app.config.defaultLocale);
        await app.commits.run(() =>
          app.notifier.toAddress("whatsapp", route.event.address, user?.id ?? null, { text: app.t(locale, "whatsapp_cloud.choice_refused") }),
        );
        return;
      }
      case "number_changed": {
        // The person moved to a new number: their balance and history follow it, and the old number
        // stops naming them — a carrier may give it to a stranger later (docs/whatsapp-cloud.md).
        const oldJid = personJidOf(route.from);
        const retired = await app.commits.run(() => {
          const user = users.findByIdentity("whatsapp", oldJid);
          if (user === undefined) return false;
          const newJid = personJidOf(route.to);
          const owner = users.findByIdentity("whatsapp", newJid);
          if (owner !== undefined && owner.id !== user.id) {
            log.warn({ from: maskWaId(route.from), to: maskWaId(route.to) }, "a WhatsApp user's new number already belongs to someone else");
            return false;
          }
          if (owner === undefined) users.addIdentity("whatsapp", newJid, user.id);
          users.setAddress(user.id, newJid);
          return users.removeIdentity("whatsapp", oldJid, user.id);
        });
        if (retired) app.engine.forgetId("whatsapp", oldJid);
        return;
      }
      case "ignored":
        log.debug({ inbox: row.update_id, reason: route.reason }, "WhatsApp Cloud message not handed to the engine");
        return;
    }
  }

  const worker = createUpdateWorker({
    inbox: repo,
    label: "whatsapp cloud message",
    commit: (work) => app.commits.run(work),
    log,
    now: app.now,
    process: processRow,
  });
  const processUpdates = deps.processUpdates ?? true;
  // What a previous run stored but did not finish goes first.
  if (processUpdates) worker.kick();

  const webhook = createCloudWebhook({
    verifyToken: config.verifyToken,
    appSecret: config.appSecret,
    phoneNumberId: config.phoneNumberId,
    store,
    log,
    now: app.now,
  });
  app.http.mount(WEBHOOK_PATH, webhook, { maxBodyBytes: WEBHOOK_MAX_BODY_BYTES });

  function prune(): number {
    try {
      const now = app.now();
      return repo.prune(now - INBOX_RETENTION_MS, now - STATUS_RETENTION_MS);
    } catch (err) {
      log.warn({ err }, "pruning the WhatsApp Cloud inbox failed");
      return 0;
    }
  }
  prune();
  const pruneTimer = setInterval(prune, DAY_MS);
  pruneTimer.unref();
  log.info({ path: WEBHOOK_PATH, version: config.graphVersion, templates: Object.keys(config.templates) }, "WhatsApp Cloud transport started");

  let stopping: Promise<void> | null = null;
  return {
    path: WEBHOOK_PATH,
    sender,
    broadcastChannel,
    flood,
    prune,
    async idle() {
      if (processUpdates) await worker.idle();
      await drainTransport(app, flood);
    },
    stop() {
      stopping ??= (async () => {
        webhook.stop();
        clearInterval(pruneTimer);
        await worker.stop();
        await drainTransport(app, flood);
        await graph.close();
        log.info("WhatsApp Cloud transport stopped");
      })();
      return stopping;
    },
  };
}
