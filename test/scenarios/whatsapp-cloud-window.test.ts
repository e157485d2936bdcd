import { afterEach, describe, expect, it } from "vitest";
import { checkInvariants } from "../helpers/app-harness.ts";
import { startCloudHarness, TEMPLATE_ENV, type CloudHarness, type CloudPayer } from "../transports/whatsapp-cloud/harness.ts";
import { windowOpen } from "../../src/transports/whatsapp-cloud/window.ts";

const WA = "6281234567890";
const HOUR = 3_600_000;

let current: CloudHarness | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

async function setup(...args: Parameters<typeof startCloudHarness>): Promise<CloudHarness> {
  current = await startCloudHarness(...args);
  return current;
}

/** Pays a Kesehatan bill the simulator leaves pending (…1039); returns its ref. */
async function payPending(c: CloudHarness, p: CloudPayer): Promise<string> {
  await p.say("halo");
  await p.tap("product:bpjs-kesehatan");
  await p.say("8801234561039");
  await p.tap("months:1");
  await p.tap("pay:");
  const [tx] = c.h.app.repos.transactions.withStatus("pending");
  expect(tx).toBeDefined();
  return tx!.ref;
}

/** The reconciler learns the payment went through: the receipt is written to the outbox now. */
async function settles(c: CloudHarness, ref: string): Promise<void> {
  await c.h.app.reconciler.checkNow(ref);
  await c.settle();
  expect(c.h.app.repos.transactions.get(ref)?.status).toBe("paid");
}

const adminAlerts = (c: CloudHarness) => c.h.sent.filter((s) => s.platform === "telegram" && s.address === "9000").map((s) => s.message.text);
const outboxOf = (c: CloudHarness) =>
  c.h.app.db.prepare("SELECT id, sent_at, failed_at, last_error, sent_message_id, payload FROM outbox WHERE platform = 'whatsapp' ORDER BY id").all() as {
    id: number;
    sent_at: number | null;
    failed_at: number | null;
    last_error: string | null;
    sent_message_id: string | null;
    payload: string;
  }[];

describe("WhatsApp Cloud: the 24-hour customer-service window", () => {
  it("sends a receipt learnt 25 hours later as the receipt template, in Indonesian, on one line", async () => {
    const c = await setup({ env: TEMPLATE_ENV });
    const p = c.payer(WA);
    const ref = await payPending(c, p);
    expect(p.last().view).toContain("masih diproses");
    c.clock.advance(25 * HOUR);
    await settles(c, ref);
    const last = p.last();
    expect(last.type).toBe("template");
    expect(last.view).toMatch(new RegExp(`^template:loket_receipt/id: ✅ \\*Pembayaran berhasil\\* — struk · Ref: \`\`\`${ref}\`\`\``));
    expect(last.view).not.toContain("\n");
    // Its wamid is the outbox's sent message id.
    expect(outboxOf(c).at(-1)?.sent_message_id).toBe(last.wamid);
    expect(checkInvariants(c.h.app)).toEqual([]);
  });

  it("uses the English template for an English payer", async () => {
    const c = await setup({ env: { ...TEMPLATE_ENV, DEFAULT_LOCALE: "en", WHATSAPP_TEMPLATE_LANG_EN: "en" } });
    const p = c.payer(WA);
    const ref = await payPending(c, p);
    expect(p.last().view).toContain("still being processed");
    c.clock.advance(30 * HOUR);
    await settles(c, ref);
    expect(p.last().view).toMatch(/^template:loket_receipt\/en: ✅ \*Payment successful\* — receipt · Ref:/);
  });

  it("sends inside the window as it is: no template for a receipt within 24 hours", async () => {
    const c = await setup({ env: TEMPLATE_ENV });
    const p = c.payer(WA);
    const ref = await payPending(c, p);
    c.clock.advance(23 * HOUR);
    await settles(c, ref);
    expect(p.last().type).toBe("text");
    expect(p.last().view).toContain("Pembayaran berhasil");
  });

  it("holds a message without a template, tells the admins once, and sends it first when the person writes", async () => {
    const c = await setup();
    const p = c.payer(WA);
    const ref = await payPending(c, p);
    c.clock.advance(25 * HOUR);
    const before = p.messages().length;
    await settles(c, ref);
    // Nothing went, nothing was lost: the receipt waits in the outbox.
    expect(p.messages()).toHaveLength(before);
    const held = outboxOf(c).at(-1)!;
    expect(held).toMatchObject({ sent_at: null, failed_at: null, last_error: "outside the 24-hour window and no WHATSAPP_TEMPLATE_RECEIPT configured" });
    expect(adminAlerts(c)).toEqual([expect.stringContaining("WHATSAPP_TEMPLATE_RECEIPT")]);
    // Looked at again later: still held, and the admins are not told twice.
    c.clock.advance(HOUR);
    await c.h.app.outbox.flush();
    await c.settle();
    expect(adminAlerts(c)).toHaveLength(1);
    // The person writes: their window is open, the receipt goes first, then the answer.
    const answer = await p.say("saldo");
    expect(answer.split("\n---\n")[0]).toContain("Pembayaran berhasil");
    expect(answer.split("\n---\n")[1]).toContain("Saldo");
    expect(outboxOf(c).every((r) => r.sent_at !== null)).toBe(true);
  });

  it("re-sends a message Meta failed afterwards with 131047 as its template (matched by wamid)", async () => {
    const c = await setup({ env: TEMPLATE_ENV });
    const p = c.payer(WA);
    const ref = await payPending(c, p);
    // Meta's view of the window differs from ours (Meta documents rare cases of this).
    c.fake.setLastInbound(WA, c.clock.now() - 30 * HOUR);
    c.clock.advance(HOUR);
    await settles(c, ref);
    const [text, template] = p.messages().slice(-2);
    expect(text!.type).toBe("text");
    expect(text!.view).toContain("Pembayaran berhasil");
    expect(template!.view).toMatch(/^template:loket_receipt\/id: ✅/);
    expect(c.h.app.repos.whatsappCloud.statusesOf(text!.wamid)).toEqual([expect.objectContaining({ status: "failed", error_code: 131047 })]);
    // The window is closed for us too now: the next unasked message is a template straight away.
    expect(c.h.app.repos.whatsappCloud.contact(WA)?.window_closed_at).not.toBeNull();
    // The same failure reported again changes nothing.
    await c.fake.postStatus(text!.wamid, "failed", { code: 131047, details: "again" });
    await c.settle();
    expect(p.messages().filter((m) => m.type === "template")).toHaveLength(1);
  });

  it("falls back to the template at once when Meta refuses the free-form send with 131047", async () => {
    const c = await setup({ env: TEMPLATE_ENV, fake: { windowErrors: "sync" } });
    const p = c.payer(WA);
    const ref = await payPending(c, p);
    c.fake.setLastInbound(WA, c.clock.now() - 30 * HOUR);
    c.clock.advance(HOUR);
    await settles(c, ref);
    expect(p.last().view).toMatch(/^template:loket_receipt\/id: ✅/);
    expect(c.fake.calls.filter((call) => call.status === 131047)).toHaveLength(1);
    const receipts = outboxOf(c).filter((r) => r.payload.includes('"kind":"receipt"'));
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.sent_message_id).toBe(p.last().wamid);
  });

  it("holds and tells the admins when Meta refuses the configured template", async () => {
    const c = await setup({ env: { ...TEMPLATE_ENV, WHATSAPP_TEMPLATE_RECEIPT: "loket_receipt_v2" } });
    const p = c.payer(WA);
    const ref = await payPending(c, p);
    c.clock.advance(25 * HOUR);
    await settles(c, ref);
    expect(p.last().type).not.toBe("template");
    expect(c.fake.calls.at(-1)?.status).toBe(132001);
    expect(outboxOf(c).at(-1)).toMatchObject({ sent_at: null, failed_at: null });
    expect(adminAlerts(c)).toEqual([expect.stringContaining("loket_receipt_v2")]);
  });

  it("sends an unasked message without a kind as the notice template", async () => {
    const c = await setup({ env: TEMPLATE_ENV });
    const p = c.payer(WA);
    await p.say("halo");
    c.clock.advance(25 * HOUR);
    const user = c.h.app.repos.users.findByIdentity("whatsapp", `${WA}@s.whatsapp.net`)!;
    await c.h.app.commits.run(() =>
      c.h.app.ports.notifier.toAddress("whatsapp", user.address, user.id, { text: "Saldo Anda sudah diisi <b>Rp50.000</b>.\nTerima kasih." }),
    );
    await c.settle();
    expect(p.last().view).toBe("template:loket_notice/id: Saldo Anda sudah diisi *Rp50.000*. · Terima kasih.");
  });

  it("holds a QR picture outside the window (a template cannot carry it) and sends it when the person writes", async () => {
    const c = await setup({ env: TEMPLATE_ENV });
    const p = c.payer(WA);
    await p.say("halo");
    c.clock.advance(25 * HOUR);
    const user = c.h.app.repos.users.findByIdentity("whatsapp", `${WA}@s.whatsapp.net`)!;
    await c.h.app.commits.run(() =>
      c.h.app.ports.notifier.toAddress("whatsapp", user.address, user.id, {
        text: "Pindai QRIS ini",
        image: { kind: "qr", payload: "00020101021226610014COM.EXAMPLE" },
      }),
    );
    await c.settle();
    expect(outboxOf(c).at(-1)).toMatchObject({ sent_at: null, last_error: "a picture cannot go outside the 24-hour window" });
    const answer = await p.say("halo");
    expect(p.messages().find((m) => m.type === "image")?.view).toBe("Pindai QRIS ini");
    expect(answer).toContain("Pindai QRIS ini");
    expect(c.fake.mediaUploads()).toHaveLength(1);
  });

  it("a late 131047 status does not close a window the person reopened after the refused message", async () => {
    const c = await setup({ env: TEMPLATE_ENV });
    const p = c.payer(WA);
    await p.say("halo");
    const failedAt = c.clock.now();
    const refused = p.last().wamid;
    // The person writes again a minute later; Meta's failed status for the earlier message comes after that.
    c.clock.advance(60_000);
    await p.say("saldo");
    c.clock.advance(5_000);
    const status = await c.fake.post(
      c.fake.envelope({
        statuses: [
          {
            id: refused,
            status: "failed",
            timestamp: String(Math.floor(failedAt / 1000)),
            recipient_id: WA,
            errors: [{ code: 131047, title: "Re-engagement message", message: "Re-engagement message", error_data: { details: "more than 24 hours" } }],
          },
        ],
      }),
    );
    expect(status).toBe(200);
    await c.settle();
    expect(windowOpen(c.h.app.repos.whatsappCloud.contact(WA)!, c.clock.now())).toBe(true);
    // The re-sent message goes free-form (with its buttons), not as a paid template.
    expect(p.last().type).not.toBe("template");
  });
});
