import { describe, expect, it } from "vitest";
import { midtransSignature, verifyMidtransSignature } from "../../../src/gateway/midtrans/signature.ts";

/**
 * Signed fixtures published by Midtrans in veritrans/midtrans-agent-skills
 * (integrate-midtrans-payments/assets/fixtures/snap-notification-*.json, commit d9a1371), signed
 * with their sandbox test key "SB-Mid-server-test". The same hashes were recomputed in the shell:
 *   printf '%s%s%s%s' ORDER-sandbox-0003 202 50000.00 SB-Mid-server-test | sha512sum
 */
const FIXTURE_KEY = "SB-Mid-server-test";
const FIXTURES = [
  {
    name: "expire",
    body: {
      transaction_time: "2026-05-27 16:30:00",
      transaction_status: "expire",
      transaction_id: "11111111-2222-3333-4444-555555555557",
      status_message: "midtrans payment notification",
      status_code: "202",
      signature_key: "a51d1bd2aa8b1dca9228f3827cd641b6dadf52ebb9ed40fb45db6a06dbb33de7cde8e80caa93dfb5e6beeaaf44f698dc7f6f56edd46556eddaa2a774ff7692c6",
      payment_type: "qris",
      order_id: "ORDER-sandbox-0003",
      merchant_id: "G000000000",
      gross_amount: "50000.00",
      currency: "IDR",
    },
  },
  {
    name: "pending",
    body: {
      transaction_time: "2026-05-27 14:30:00",
      transaction_status: "pending",
      transaction_id: "11111111-2222-3333-4444-555555555556",
      status_message: "midtrans payment notification",
      status_code: "201",
      signature_key: "db70270f6c27da2b564d4fffd9df3eeae578a7afba22bf5e6071711c7914d7a3d22ccaa533e864cf53742ca73c9e63016b0cbc1f97ee253a77b24b7a410d876a",
      payment_type: "bank_transfer",
      order_id: "ORDER-sandbox-0002",
      merchant_id: "G000000000",
      gross_amount: "75000.00",
      currency: "IDR",
    },
  },
  {
    name: "settlement",
    body: {
      transaction_time: "2026-05-27 14:30:00",
      transaction_status: "settlement",
      transaction_id: "11111111-2222-3333-4444-555555555555",
      status_message: "midtrans payment notification",
      status_code: "200",
      signature_key: "d65b4adf15335095fe1bfafe24964d48009dcc2989393e13570b0c9852ea60df0040b1a9646b9c9ef9433317f77acc8e387c59998dc20f5bd93fff93d23672e4",
      payment_type: "credit_card",
      order_id: "ORDER-sandbox-0001",
      merchant_id: "G000000000",
      gross_amount: "150000.00",
      fraud_status: "accept",
      currency: "IDR",
    },
  },
] as const;

/** Computed here in the shell, independently of the code under test:
 *  printf '%s' 'LK-TOPUP-0001200789000.00SB-Mid-server-Secret-123' | sha512sum */
const SHELL_VECTOR = {
  orderId: "LK-TOPUP-0001",
  statusCode: "200",
  grossAmount: "789000.00",
  serverKey: "SB-Mid-server-Secret-123",
  hex: "2e270d97b25d6cd80019099c47ba7100f8201e1708cf23cbd084e67d937c3f3fa4408865b3d1414fda1c7be63674cd000e351344af718cfc21f8328e0f243a3b",
};

describe("Midtrans signature", () => {
  it.each(FIXTURES)("accepts Midtrans' signed $name fixture", ({ body }) => {
    expect(verifyMidtransSignature(body, FIXTURE_KEY)).toEqual({ valid: true, orderId: body.order_id });
  });

  it("computes the shell vector", () => {
    const { orderId, statusCode, grossAmount, serverKey, hex } = SHELL_VECTOR;
    expect(midtransSignature(orderId, statusCode, grossAmount, serverKey)).toBe(hex);
  });

  it("hashes the amount string as received: 50000 is not 50000.00", () => {
    const [expire] = FIXTURES;
    expect(verifyMidtransSignature({ ...expire.body, gross_amount: "50000" }, FIXTURE_KEY)).toEqual({ valid: false });
    expect(verifyMidtransSignature({ ...expire.body, gross_amount: "50000.0" }, FIXTURE_KEY)).toEqual({ valid: false });
  });

  it("uses the payload's own status_code, not the one a status answer would carry", () => {
    const [expire] = FIXTURES;
    expect(verifyMidtransSignature({ ...expire.body, status_code: "407" }, FIXTURE_KEY)).toEqual({ valid: false });
  });

  it("refuses a wrong key, a changed order id or amount, and a changed signature", () => {
    const [, , settlement] = FIXTURES;
    expect(verifyMidtransSignature(settlement.body, "SB-Mid-server-other")).toEqual({ valid: false });
    expect(verifyMidtransSignature({ ...settlement.body, order_id: "ORDER-sandbox-0009" }, FIXTURE_KEY)).toEqual({ valid: false });
    expect(verifyMidtransSignature({ ...settlement.body, gross_amount: "1500000.00" }, FIXTURE_KEY)).toEqual({ valid: false });
    const flipped = settlement.body.signature_key.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    expect(verifyMidtransSignature({ ...settlement.body, signature_key: flipped }, FIXTURE_KEY)).toEqual({ valid: false });
  });

  it("accepts the same digest in upper-case hex", () => {
    const [, pending] = FIXTURES;
    expect(verifyMidtransSignature({ ...pending.body, signature_key: pending.body.signature_key.toUpperCase() }, FIXTURE_KEY)).toMatchObject({ valid: true });
  });

  it("refuses anything missing, blank or not a string", () => {
    const [, pending] = FIXTURES;
    const { body } = pending;
    const broken: unknown[] = [
      undefined,
      null,
      "",
      "{}",
      [],
      [body],
      42,
      {},
      { ...body, signature_key: undefined },
      { ...body, order_id: undefined },
      { ...body, status_code: undefined },
      { ...body, gross_amount: undefined },
      { ...body, order_id: "" },
      { ...body, status_code: "" },
      { ...body, gross_amount: "" },
      { ...body, signature_key: "" },
      { ...body, status_code: 201 },
      { ...body, gross_amount: 75000 },
      { ...body, order_id: ["ORDER-sandbox-0002"] },
      { ...body, signature_key: body.signature_key.slice(0, 127) },
      { ...body, signature_key: `${body.signature_key}00` },
      { ...body, signature_key: `${body.signature_key.slice(0, 127)}g` },
      { ...body, order_id: "ORDER sandbox 0002" },
    ];
    for (const b of broken) expect(verifyMidtransSignature(b, FIXTURE_KEY)).toEqual({ valid: false });
  });

  it("refuses everything with an empty key", () => {
    const [, pending] = FIXTURES;
    const body = { ...pending.body, signature_key: midtransSignature(pending.body.order_id, "201", "75000.00", "") };
    expect(verifyMidtransSignature(body, "")).toEqual({ valid: false });
  });
});
