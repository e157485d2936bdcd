import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { metaJson, signBody } from "../fakes/whatsapp-cloud-api.ts";
import { startCloudHarness, VERIFY_TOKEN, type CloudHarness } from "../transports/whatsapp-cloud/harness.ts";
import { startWhatsappCloud } from "../../src/transports/whatsapp-cloud/start-whatsapp-cloud.ts";

const WA = "6281234567890";

let current: CloudHarness | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

async function setup(...args: Parameters<typeof startCloudHarness>): Promise<CloudHarness> {
  current = await startCloudHarness(...args);
  return current;
}

const inboxRows = (c: CloudHarness) =>
  c.h.app.db.prepare("SELECT wamid, wa_id, processed_at FROM whatsapp_cloud_inbox ORDER BY id").all() as {
    wamid: string;
    wa_id: string;
    processed_at: number | null;
  }[];

async function get(url: string): Promise<{ status: number; text: string; type: string }> {
  const res = await request(url);
  return { status: res.statusCode, text: await res.body.text(), type: String(res.headers["content-type"]) };
}

describe("WhatsApp Cloud webhook: Meta's verification GET", () => {
  it("echoes the challenge as text for subscribe + our verify token", async () => {
    const c = await setup();
    const ok = await get(`${c.webhookUrl}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}`);
    expect(ok).toMatchObject({ status: 200, text: "1158201444" });
    expect(ok.type).toContain("text/plain");
  });

  it.each([
    ["a wrong verify token", `hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope`],
    ["no verify token", `hub.mode=subscribe&hub.challenge=1`],
    ["another mode", `hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${VERIFY_TOKEN}`],
    ["no challenge", `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`],
    ["a challenge that is not a token", `hub.mode=subscribe&hub.challenge=%3Cscript%3E%20x&hub.verify_token=${VERIFY_TOKEN}`],
  ])("refuses %s with 403", async (_what, query) => {
    const c = await setup();
    expect((await get(`${c.webhookUrl}?${query}`)).status).toBe(403);
  });
});

describe("WhatsApp Cloud webhook: signed notifications", () => {
  it("refuses a forged, missing or re-serialised signature with 403 and stores nothing", async () => {
    const c = await setup();
    const body = c.fake.envelope({
      messages: [{ from: WA, id: "wamid.F1", timestamp: String(Math.floor(c.clock.now() / 1000)), type: "text", text: { body: "Halo, saya Sité ✓" } }],
    });
    const raw = metaJson(body);
    expect(await c.fake.post(body, { signature: signBody(raw, "another-app-secret-0123") })).toBe(403);
    expect(await c.fake.post(body, { signature: null })).toBe(403);
    expect(await c.fake.post(body, { signature: "sha256=" })).toBe(403);
    // What a naive check hashes (the body parsed and serialised again) is not what Meta signed.
    expect(await c.fake.post(body, { raw, signature: signBody(JSON.stringify(body), c.fake.appSecret) })).toBe(403);
    await c.settle();
    expect(inboxRows(c)).toEqual([]);
    expect(c.fake.sent()).toEqual([]);
  });

  it("accepts Meta's escaped bytes and raw UTF-8 alike, as long as the signature covers those bytes", async () => {
    const c = await setup();
    const at = String(Math.floor(c.clock.now() / 1000));
    const body = (id: string) => c.fake.envelope({ messages: [{ from: WA, id, timestamp: at, type: "text", text: { body: "Halo, saya Sité ✓ @ / menu" } }] });
    expect(await c.fake.post(body("wamid.E1"))).toBe(200);
    const utf8 = JSON.stringify(body("wamid.E2"));
    expect(await c.fake.post(null, { raw: utf8, signature: signBody(utf8, c.fake.appSecret) })).toBe(200);
    await c.settle();
    expect(inboxRows(c).map((r) => r.wamid)).toEqual(["wamid.E1", "wamid.E2"]);
  });

  it("stores a re-delivered message once and answers it once", async () => {
    const c = await setup();
    const body = c.fake.envelope({
      messages: [{ from: WA, id: "wamid.DUP", timestamp: String(Math.floor(c.clock.now() / 1000)), type: "text", text: { body: "halo" } }],
    });
    expect(await c.fake.post(body)).toBe(200);
    await c.settle();
    expect(await c.fake.post(body)).toBe(200);
    // The same message again inside a batch with a new one: only the new one is stored.
    const again = c.fake.envelope({
      messages: [
        { from: WA, id: "wamid.DUP", timestamp: String(Math.floor(c.clock.now() / 1000)), type: "text", text: { body: "halo" } },
        { from: WA, id: "wamid.NEW", timestamp: String(Math.floor(c.clock.now() / 1000)), type: "text", text: { body: "saldo" } },
      ],
    });
    expect(await c.fake.post(again)).toBe(200);
    await c.settle();
    expect(inboxRows(c).map((r) => r.wamid)).toEqual(["wamid.DUP", "wamid.NEW"]);
    expect(c.fake.sent(WA)).toHaveLength(2);
  });

  it("stores every message of a batch and answers each person in order", async () => {
    const c = await setup();
    const at = String(Math.floor(c.clock.now() / 1000));
    const other = "6289876543210";
    const status = await c.fake.post(
      c.fake.envelope({
        contacts: [{ profile: { name: "A" }, wa_id: WA }],
        messages: [
          { from: WA, id: "wamid.B1", timestamp: at, type: "text", text: { body: "halo" } },
          { from: other, id: "wamid.B2", timestamp: at, type: "text", text: { body: "halo" } },
          { from: WA, id: "wamid.B3", timestamp: at, type: "text", text: { body: "1" } },
        ],
      }),
    );
    expect(status).toBe(200);
    await c.settle();
    expect(inboxRows(c).map((r) => [r.wamid, r.processed_at !== null])).toEqual([
      ["wamid.B1", true],
      ["wamid.B2", true],
      ["wamid.B3", true],
    ]);
    // In order: "halo" brought the menu; "1" was typed before that menu existed, so it chose nothing (docs/conversation.md).
    const views = c.fake.sent(WA).map((m) => m.view);
    expect(views[0]).toContain("BPJS Kesehatan");
    expect(views[1]).toContain("“1”");
    expect(c.h.app.repos.transactions.withStatus("inquired")).toEqual([]);
    expect(c.fake.sent(other)).toHaveLength(1);
  });

  it("skips another phone number's messages, answers 400 to a signed body that is not a notification, 413 over 3 MB", async () => {
    const c = await setup();
    const foreign = {
      object: "whatsapp_business_account",
      entry: [
        {
          changes: [
            { field: "messages", value: { metadata: { phone_number_id: "999" }, messages: [{ from: WA, id: "wamid.X", timestamp: "1", type: "text" }] } },
          ],
        },
      ],
    };
    expect(await c.fake.post(foreign)).toBe(200);
    expect(await c.fake.post({ hello: "world" })).toBe(400);
    const junk = "{not json";
    expect(await c.fake.post(null, { raw: junk, signature: signBody(junk, c.fake.appSecret) })).toBe(400);
    // Between the server's usual 1 MB cap and Meta's 3 MB: accepted.
    const big = c.fake.envelope({
      messages: [{ from: WA, id: "wamid.BIG", timestamp: String(Math.floor(c.clock.now() / 1000)), type: "text", text: { body: "1" } }],
      padding: "x".repeat(2_000_000),
    });
    expect(await c.fake.post(big)).toBe(200);
    const huge = metaJson({ padding: "x".repeat(3 * 1024 * 1024) });
    expect(await c.fake.post(null, { raw: huge, signature: signBody(huge, c.fake.appSecret) })).toBe(413);
    await c.settle();
    expect(inboxRows(c).map((r) => r.wamid)).toEqual(["wamid.BIG"]);
  });

  it("stores before answering 200: a message received but never handled is handled after a restart", async () => {
    const c = await setup({ deps: { processUpdates: false } });
    expect(await c.fake.sendText(WA, "halo")).toBe(200);
    await c.settle();
    expect(inboxRows(c)).toEqual([{ wamid: expect.stringMatching(/^wamid\./), wa_id: WA, processed_at: null }]);
    expect(c.fake.sent(WA)).toEqual([]);
    await c.transport.stop();
    const again = await startWhatsappCloud(c.h.app.ports, {});
    await again.idle();
    expect(inboxRows(c)[0]!.processed_at).not.toBeNull();
    expect(c.fake.sent(WA).at(-1)?.view).toContain("BPJS Kesehatan");
    await again.stop();
  });

  it("does not answer a message older than the window (re-delivered after an outage)", async () => {
    const c = await setup();
    expect(await c.fake.sendText(WA, "1", { timestamp: c.clock.now() - 25 * 3_600_000 })).toBe(200);
    await c.settle();
    expect(inboxRows(c)[0]!.processed_at).not.toBeNull();
    expect(c.fake.sent(WA)).toEqual([]);
  });

  it("records delivery statuses once each", async () => {
    const c = await setup();
    await c.payer(WA).say("halo");
    const wamid = c.fake.sent(WA)[0]!.wamid;
    for (const s of ["sent", "delivered", "read", "read"] as const) expect(await c.fake.postStatus(wamid, s)).toBe(200);
    expect(c.h.app.repos.whatsappCloud.statusesOf(wamid).map((s) => s.status)).toEqual(["delivered", "read", "sent"].sort());
  });

  it("answers 405 to other methods and 503 once stopped", async () => {
    const c = await setup();
    expect((await request(c.webhookUrl, { method: "PUT", body: "{}" })).statusCode).toBe(405);
    await c.transport.stop();
    expect(await c.fake.sendText(WA, "halo")).toBe(503);
  });
});
