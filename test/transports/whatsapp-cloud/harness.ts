import { setupApp, type FakeClock, type Harness } from "../../helpers/app-harness.ts";
import { startFakeCloud, type FakeCloud, type FakeCloudOptions, type SentMessage } from "../../fakes/whatsapp-cloud-api.ts";
import { startWhatsappCloud, type StartWhatsappCloudDeps, type WhatsappCloudTransport } from "../../../src/transports/whatsapp-cloud/start-whatsapp-cloud.ts";

export const VERIFY_TOKEN = "verify-token-for-tests";

/** Every template Loket may use, approved in both languages (each takes the message as {{1}}). */
export const ALL_TEMPLATES = ["loket_receipt", "loket_failed", "loket_pending", "loket_reminder", "loket_broadcast", "loket_notice"].flatMap((name) =>
  ["id", "en"].map((language) => ({ name, language, params: 1 })),
);
export const TEMPLATE_ENV = {
  WHATSAPP_TEMPLATE_RECEIPT: "loket_receipt",
  WHATSAPP_TEMPLATE_FAILED: "loket_failed",
  WHATSAPP_TEMPLATE_PENDING: "loket_pending",
  WHATSAPP_TEMPLATE_REMINDER: "loket_reminder",
  WHATSAPP_TEMPLATE_BROADCAST: "loket_broadcast",
  WHATSAPP_TEMPLATE_NOTICE: "loket_notice",
};

export interface CloudHarness {
  h: Harness;
  fake: FakeCloud;
  transport: WhatsappCloudTransport;
  clock: FakeClock;
  /** The bot's webhook URL on loopback. */
  webhookUrl: string;
  /** Waits until every webhook is answered, every stored message handled and the outbox quiet. */
  settle(): Promise<void>;
  payer(waId: string, name?: string): CloudPayer;
  close(): Promise<void>;
}

export interface CloudPayer {
  waId: string;
  /** Writes; resolves with what the phone shows of the bot's answers (views joined by ---). */
  say(text: string): Promise<string>;
  /** Taps the newest button or row whose choice id starts with `prefix`. */
  tap(prefix: string): Promise<string>;
  messages(): SentMessage[];
  last(): SentMessage;
}

export interface CloudHarnessOptions {
  env?: Record<string, string>;
  fake?: FakeCloudOptions;
  deps?: StartWhatsappCloudDeps;
  clock?: FakeClock;
}

/** A whole app on SQLite and the simulator, its WhatsApp Cloud transport, and the fake Graph API it talks to. */
export async function startCloudHarness(opts: CloudHarnessOptions = {}): Promise<CloudHarness> {
  let clockRef: FakeClock | undefined = opts.clock;
  const fake = await startFakeCloud({ templates: ALL_TEMPLATES, now: () => (clockRef ? clockRef.now() : Date.now()), ...opts.fake });
  const h = await setupApp(
    {
      WHATSAPP_MODE: "cloud",
      WHATSAPP_CLOUD_TOKEN: fake.token,
      WHATSAPP_PHONE_NUMBER_ID: fake.phoneNumberId,
      WHATSAPP_APP_SECRET: fake.appSecret,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_GRAPH_BASE_URL: fake.url,
      WHATSAPP_GRAPH_VERSION: fake.version,
      ...opts.env,
    },
    opts.clock === undefined ? {} : { clock: opts.clock },
  );
  clockRef = h.clock;
  const transport = await startWhatsappCloud(h.app.ports, { graphTimeoutMs: 5_000, ...opts.deps });
  const address = await h.app.http.listen();
  const webhookUrl = `http://127.0.0.1:${address.port}/whatsapp/cloud`;
  fake.setWebhook(webhookUrl);

  async function settle(): Promise<void> {
    // A failed status the fake posts after a send can cause another send: go round until quiet.
    for (let i = 0; i < 10; i++) {
      const before = fake.calls.length;
      await fake.settled();
      await transport.idle();
      await fake.settled();
      if (fake.calls.length === before) return;
    }
  }

  function payer(waId: string, name = "Payer"): CloudPayer {
    const mine = () => fake.sent(waId);
    const after = async (post: () => Promise<unknown>) => {
      const before = mine().length;
      await post();
      await settle();
      return mine()
        .slice(before)
        .map((m) => m.view)
        .join("\n---\n");
    };
    return {
      waId,
      say: (text) => after(() => fake.sendText(waId, text, { name })),
      tap: (prefix) => after(() => fake.tap(waId, prefix)),
      messages: mine,
      last: () => {
        const m = mine().at(-1);
        if (!m) throw new Error("no message yet");
        return m;
      },
    };
  }

  let closed = false;
  return {
    h,
    fake,
    transport,
    clock: h.clock,
    webhookUrl,
    settle,
    payer,
    async close() {
      if (closed) return;
      closed = true;
      await transport.stop();
      await h.close();
      await fake.close();
    },
  };
}
