import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { espaySignature, inquirySignature, paymentSignature, statusSignature } from "../../../src/providers/espay/sign.ts";

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

describe("espay signature", () => {
  it("matches the doc example, key uppercased too", () => {
    // docs/providers.md#espay-endpoints-and-signing: our own regression vector for the doc's inquiry example.
    const expected = "bad06402f42b1244c88e3c2da24543e5708a96322819af6cc08b809d8aab5405";
    expect(sha256("##SENDERID##9900990099##STCKAI##5441217##KEYFORSIGNATURE##")).toBe(expected);
    expect(inquirySignature({ senderId: "SENDERID", orderId: "9900990099", productCode: "STCKAI", rqUuid: "5441217" }, "keyforsignature")).toBe(expected);
    expect(espaySignature(["senderid", "9900990099", "stckai", "5441217"], "KeyForSignature")).toBe(expected);
  });

  it("signs a payment over the exact amount string", () => {
    const input = { senderId: "SANDBOX", orderId: "8801835307911", productCode: "BPJSKS", amount: "8750000", rqUuid: "SANDBOXpay01" };
    expect(paymentSignature(input, "secretKey")).toBe(sha256("##SANDBOX##8801835307911##BPJSKS##8750000##SANDBOXPAY01##SECRETKEY##"));
    expect(paymentSignature({ ...input, amount: "08750000" }, "secretKey")).not.toBe(paymentSignature(input, "secretKey"));
  });

  it("signs a status request with the payment ref_id", () => {
    expect(statusSignature({ senderId: "SANDBOX", refId: "BPJS20250214144441", rqUuid: "SANDBOXst01" }, "secretKey")).toBe(
      sha256("##SANDBOX##BPJS20250214144441##SANDBOXST01##SECRETKEY##"),
    );
  });

  it("is lowercase hex", () => {
    expect(espaySignature(["a"], "b")).toMatch(/^[0-9a-f]{64}$/);
  });
});
