import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { SendError } from "../../src/domain/delivery/send-error.ts";

describe("telegram sender", () => {
  it("edits the replaced message, treats 'not modified' as done, and sends anew when the old one is gone", async ({ telegram }) => {
    const th = await telegram();
    const s = th.transport.sender;
    const id = await s.send("5001", { text: "<b>one</b>", nonce: 1, choices: [[{ id: "menu", label: "Menu" }]] }, null);
    expect(await s.send("5001", { text: "<b>two</b>" }, id)).toBe(id);
    expect(th.fake.botMessages(5001)).toMatchObject([{ message_id: Number(id), text: "two", buttons: [], edits: 1 }]);
    expect(await s.send("5001", { text: "<b>two</b>" }, id)).toBe(id);
    expect(th.fake.botMessages(5001)).toHaveLength(1);
    const fresh = await s.send("5001", { text: "three" }, "987654");
    expect(fresh).not.toBe("987654");
    expect(th.fake.botMessages(5001).map((m) => m.text)).toEqual(["two", "three"]);
  });

  it("shortens a text over Telegram's limit instead of dropping it", async ({ telegram }) => {
    const th = await telegram();
    const long = `<b>Gagal</b>\n${"ORA-01017 &amp; more ".repeat(400)}`;
    await th.transport.sender.send("5005", { text: long }, null);
    const [message] = th.fake.botMessages(5005);
    expect(message!.text.length).toBeLessThanOrEqual(4096);
    expect(message!.text.startsWith("Gagal")).toBe(true);
    expect(message!.text.endsWith("…")).toBe(true);
    expect(th.fake.callsOf("sendMessage", 5005).map((c) => c.status)).toEqual(["ok"]);
  });

  it("falls back to plain text if Telegram ever refuses the HTML", async ({ telegram }) => {
    const th = await telegram();
    await th.transport.sender.send("5002", { text: "<b>bold & broken" }, null);
    expect(th.fake.callsOf("sendMessage", 5002).map((c) => c.status)).toEqual([400, "ok"]);
    expect(th.fake.botMessages(5002)[0]).toMatchObject({ parse_mode: null });
    // The guard in close() would flag the refused call: this test sent it on purpose.
    th.fake.calls.splice(0, th.fake.calls.length);
  });

  it("turns answers that never change into permanent SendErrors, blocked ones marked", async ({ telegram }) => {
    const th = await telegram();
    th.fake.block(5003);
    await expect(th.transport.sender.send("5003", { text: "hi" }, null)).rejects.toMatchObject({ name: "SendError", kind: "blocked" });
    th.fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    const err = await th.transport.sender.send("5004", { text: "hi" }, null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendError);
    expect((err as SendError).kind).toBe("permanent");
    await expect(th.transport.sender.send("5004", { text: "hi", nonce: 1, choices: [[{ id: "x".repeat(70), label: "X" }]] }, null)).rejects.toMatchObject({
      kind: "permanent",
    });
  });

  it("broadcast channel: blocked → blocked, lasting 429 → retry_after, a 5xx is not repeated", async ({ telegram }) => {
    const th = await telegram();
    const ch = th.transport.broadcastChannel;
    th.fake.block(5005);
    await expect(ch.send("5005", "hi")).rejects.toMatchObject({ kind: "blocked" });
    th.fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 2", parameters: { retry_after: 2 } }, 3);
    const late = await ch.send("5006", "hi").catch((e: unknown) => e);
    expect(late).toMatchObject({ kind: "retry_after" });
    expect((late as SendError).retryAfterMs).toBe(2000);
    th.fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
    await expect(ch.send("5007", "hi")).rejects.toThrow(/Bad Gateway/);
    expect(th.fake.callsOf("sendMessage", 5007)).toHaveLength(1);
    await ch.send("5007", "<b>hi</b>");
    expect(th.fake.botMessages(5007).map((m) => m.text)).toEqual(["hi"]);
  });
});

describe("telegram sender: pictures", () => {
  const qr = { kind: "qr" as const, payload: "00020101021226620014COM.GO-JEK.WWW011893600914LT0000000000006304ABCD" };

  it("sends a QR as a photo (a PNG drawn from the payload) with its caption and buttons", async ({ telegram }) => {
    const th = await telegram();
    const id = await th.transport.sender.send(
      "5101",
      { text: "<b>Isi saldo Rp100.000</b>\nNo. pesanan: <code>LT1</code>", image: qr, nonce: 3, choices: [[{ id: "menu", label: "Menu" }]] },
      null,
    );
    const [call] = th.fake.callsOf("sendPhoto", 5101);
    expect(call!.status).toBe("ok");
    expect(call!.payload.parse_mode).toBe("HTML");
    const photo = call!.payload.photo as { filename: string; bytes: Buffer };
    expect(photo.filename).toBe("qris.png");
    expect(photo.bytes.subarray(1, 4).toString()).toBe("PNG");
    const [message] = th.fake.botMessages(5101);
    expect(message).toMatchObject({
      message_id: Number(id),
      text: "Isi saldo Rp100.000\nNo. pesanan: LT1",
      buttons: [[{ text: "Menu", callback_data: "3|menu" }]],
    });
    expect(th.fake.callsOf("sendMessage", 5101)).toHaveLength(0);
  });

  it("cuts a caption to Telegram's 1024 characters rather than losing the photo", async ({ telegram }) => {
    const th = await telegram();
    await th.transport.sender.send("5102", { text: `<b>QR</b>\n${"kata &amp; kata ".repeat(200)}`, image: qr }, null);
    const [message] = th.fake.botMessages(5102);
    expect(message!.photo).toBeDefined();
    expect(message!.text.length).toBeLessThanOrEqual(1024);
    expect(message!.text.endsWith("…")).toBe(true);
  });

  it("never edits a photo's text: a picture is always a new message, and a tagged text after it never targets it", async ({ telegram }) => {
    const th = await telegram();
    const photoId = await th.transport.sender.send("5103", { text: "QR", image: qr }, null);
    // Given the photo's id as the one to replace, the sender still sends a new photo…
    const second = await th.transport.sender.send("5103", { text: "QR again", image: qr }, photoId);
    expect(second).not.toBe(photoId);
    // …and through the outbox, a tagged picture is not what a later message with that tag edits.
    const app = th.h.app;
    app.repos.outbox.enqueue({
      platform: "telegram",
      address: "5103",
      userId: null,
      message: { text: "QR tagged", image: qr, tag: "order:x" },
      now: app.now(),
    });
    app.outbox.kick();
    await app.outbox.flush();
    app.repos.outbox.enqueue({ platform: "telegram", address: "5103", userId: null, message: { text: "paid", tag: "order:x" }, now: app.now() });
    app.outbox.kick();
    await app.outbox.flush();
    expect(th.fake.callsOf("editMessageText", 5103)).toHaveLength(0);
    expect(th.fake.botMessages(5103).map((m) => [m.text, m.photo !== undefined])).toEqual([
      ["QR", true],
      ["QR again", true],
      ["QR tagged", true],
      ["paid", false],
    ]);
  });
});
