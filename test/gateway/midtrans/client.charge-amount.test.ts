import { afterEach, describe, expect, it } from "vitest";
import { QRIS_CHARGE_SAMPLE, VA_CHARGE_SAMPLES, chargeRequest, setup } from "./setup.ts";

let t: ReturnType<typeof setup>;
afterEach(async () => {
  await t.close();
});

/** Found by a review (R5): the payer would be shown our amount while the QR (tag 54) or the VA asks another. */
describe("midtrans charge: the amount the gateway answers", () => {
  it("a created charge for another gross_amount than asked is unknown (the order is then cancelled), never created", async () => {
    t = setup();
    // Midtrans' sample answers 789000.00; the gateway answers another amount (fee imposition, a proxy, a bug on either side).
    t.reply("POST", "/v2/charge", { ...QRIS_CHARGE_SAMPLE, gross_amount: "791500.00" });
    const outcome = await t.gateway.charge(chargeRequest({ amount: 789_000, orderId: QRIS_CHARGE_SAMPLE.order_id }));
    expect(outcome).toMatchObject({ status: "unknown", message: expect.stringContaining("gross_amount") });
  });

  it("a virtual account created for another amount is unknown too", async () => {
    t = setup();
    t.reply("POST", "/v2/charge", VA_CHARGE_SAMPLES.bca);
    expect(await t.gateway.charge(chargeRequest({ amount: 45_000, orderId: VA_CHARGE_SAMPLES.bca.order_id, method: "bca_va" }))).toMatchObject({
      status: "unknown",
    });
  });

  it.each(["789000", "789000.0", "789000.00"])("the same amount written %s is created", async (gross) => {
    t = setup();
    t.reply("POST", "/v2/charge", { ...QRIS_CHARGE_SAMPLE, gross_amount: gross });
    expect(await t.gateway.charge(chargeRequest({ amount: 789_000, orderId: QRIS_CHARGE_SAMPLE.order_id }))).toMatchObject({ status: "created" });
  });

  it("an answer without gross_amount is read as before (Midtrans omits null fields): created", async () => {
    t = setup();
    const { gross_amount: _omitted, ...answer } = QRIS_CHARGE_SAMPLE;
    t.reply("POST", "/v2/charge", answer);
    expect(await t.gateway.charge(chargeRequest({ amount: 789_000, orderId: QRIS_CHARGE_SAMPLE.order_id }))).toMatchObject({ status: "created" });
  });

  it.each(["", "789000.5", "7.89e5", "-789000.00", "789,000.00", " 789000.00", "0.00", "99999999999999999999.00"])(
    "an unreadable or off gross_amount %j is unknown",
    async (gross) => {
      t = setup();
      t.reply("POST", "/v2/charge", { ...QRIS_CHARGE_SAMPLE, gross_amount: gross });
      expect(await t.gateway.charge(chargeRequest({ amount: 789_000, orderId: QRIS_CHARGE_SAMPLE.order_id }))).toMatchObject({ status: "unknown" });
    },
  );
});
