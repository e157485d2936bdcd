import type { Harness, PayerDriver } from "./app-harness.ts";

/** A payer's way to a BPJS Kesehatan bill on screen (one month): /start, the product, the number, the months. Returns the bill's text. */
export async function toBill(p: PayerDriver, number = "8801234560000"): Promise<string> {
  await p.say("/start");
  await p.tap("product:bpjs-kesehatan");
  await p.say(number);
  return p.tap("months:1");
}

/** Pay requests the in-process simulator received, all refs together. */
export function payCount(h: Harness): number {
  return h.app.simulator!.payCalls().reduce((n, c) => n + c.payCount, 0);
}
