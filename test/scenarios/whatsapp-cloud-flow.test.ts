import { afterEach, describe, expect, it } from "vitest";
import { checkInvariants } from "../helpers/app-harness.ts";
import { startCloudHarness, TEMPLATE_ENV, type CloudHarness } from "../transports/whatsapp-cloud/harness.ts";

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

describe("WhatsApp Cloud: a whole payment with buttons and lists", () => {
  it("pays BPJS Kesehatan in Indonesian: product list → number → months list → bill buttons → receipt", async () => {
    const c = await setup({ env: TEMPLATE_ENV });
    const p = c.payer(WA, "Siti");
    const menu = await p.say("halo");
    console.log(menu);
    expect(p.last().type).toBe("interactive");
    const ask = await p.tap("product:bpjs-kesehatan");
    console.log(ask);
    const months = await p.say("8801234560000");
    console.log(months);
    const bill = await p.tap("months:2");
    console.log(bill);
    const receipt = await p.tap("pay:");
    console.log(receipt);
    expect(receipt).toContain("Pembayaran berhasil");
    expect(checkInvariants(c.h.app)).toEqual([]);
  });
});
