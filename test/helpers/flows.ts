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

/** The ref of the newest bill the payer was offered (its Pay or its pay-the-shortfall button). */
export function billRef(p: PayerDriver): string {
  const pay = p
    .messages()
    .flatMap((m) => m.choices?.flat() ?? [])
    .reverse()
    .find((c) => c.id.startsWith("topupbill:") || c.id.startsWith("pay:"));
  return pay!.id.split(":")[1]!;
}
