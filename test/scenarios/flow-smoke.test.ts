import { describe, expect } from "vitest";
import { it } from "../fixtures.ts";
import { checkInvariants } from "../helpers/app-harness.ts";

describe("a full payment through the engine", () => {
  it("pays BPJS Kesehatan by taps and shows a receipt", async ({ bot }) => {
    const h = await bot();
    const p = h.payer("1001");
    expect(await p.say("/start")).toContain("Loket");
    await p.tap("product:bpjs-kesehatan");
    await p.say("8801234560000");
    const bill = await p.tap("months:2");
    expect(bill).toContain("Total");
    const receipt = await p.tapLike("pay:");
    expect(receipt).toContain("struk");
    expect(checkInvariants(h.app)).toEqual([]);
  });
});
