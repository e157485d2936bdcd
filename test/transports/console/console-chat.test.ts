import { PassThrough } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import type { HandleResult } from "../../../src/domain/engine.ts";
import type { InboundEvent } from "../../../src/domain/messages.ts";
import { createConsoleSender, runConsoleChat } from "../../../src/transports/console/console-chat.ts";
import { qrTerminal } from "../../../src/transports/qr-image.ts";

describe("console sender", () => {
  it("draws a QR in the terminal above the message's text", async () => {
    const out = new PassThrough();
    let printed = "";
    out.on("data", (chunk: Buffer) => (printed += chunk.toString()));
    await createConsoleSender(out).send("console", { text: "<b>Isi saldo Rp100.000</b>", image: { kind: "qr", payload: "000201010212LT1" } }, null);
    const qr = await qrTerminal("000201010212LT1");
    expect(printed).toBe(`\n${qr}Isi saldo Rp100.000\n`);
    expect(printed.indexOf(qr)).toBeLessThan(printed.indexOf("Isi saldo"));
  });
});

describe("console chat", () => {
  /** An engine whose first message takes as long as the test says (an inquiry under way). */
  function slowEngine() {
    const seen: { text: string; receivedAt?: number }[] = [];
    let release: () => void = () => {};
    const firstDone = new Promise<void>((resolve) => (release = resolve));
    const engine = {
      async handle(event: InboundEvent): Promise<HandleResult> {
        seen.push({ text: event.text ?? "", ...(event.receivedAt === undefined ? {} : { receivedAt: event.receivedAt }) });
        if (seen.length === 2) await firstDone;
        return "handled";
      },
    };
    return { engine, seen, release };
  }

  it("at a terminal, a line typed while an answer is on its way is stamped when it was typed, not when its turn comes", async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    let now = 1_000;
    const { engine, seen, release } = slowEngine();
    const done = runConsoleChat({ engine, flush: async () => {}, input, output: new PassThrough(), now: () => now });
    input.write("1\n");
    await vi.waitFor(() => expect(seen).toHaveLength(2)); // the opening /start, then the first "1"
    now = 2_000;
    input.write("1\n"); // typed while the first is still being answered
    await new Promise((resolve) => setImmediate(resolve)); // readline has seen the line
    now = 9_000;
    release();
    input.end();
    await done;
    expect(seen).toEqual([{ text: "/start" }, { text: "1", receivedAt: 1_000 }, { text: "1", receivedAt: 2_000 }]);
  });

  it("a piped script is a deliberate sequence: its lines are not stamped, each answers what the one before brought", async () => {
    const input = new PassThrough();
    const { engine, seen, release } = slowEngine();
    release();
    const done = runConsoleChat({ engine, flush: async () => {}, input, output: new PassThrough(), now: () => 5 });
    input.end("/start\n1\n");
    await done;
    expect(seen).toEqual([{ text: "/start" }, { text: "1" }]);
  });
});
