import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createConsoleSender } from "../../../src/transports/console/console-chat.ts";
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
