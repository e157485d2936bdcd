import { createHash } from "node:crypto";

/**
 * Espay biller signatures (docs/providers.md#espay-endpoints-and-signing): the values joined with
 * "##", with a leading and a trailing "##", the WHOLE string uppercased (the key too), SHA-256,
 * lowercase hex.
 * rq_datetime is deliberately absent: only Espay's payment-gateway signatures include it.
 */
export function espaySignature(values: readonly string[], key: string): string {
  const plain = `##${[...values, key].join("##")}##`;
  return createHash("sha256").update(plain.toUpperCase(), "utf8").digest("hex");
}

export interface InquirySignatureInput {
  senderId: string;
  orderId: string;
  productCode: string;
  rqUuid: string;
}

/** `##sender_id##order_id##product_code##rq_uuid##key##` */
export function inquirySignature(input: InquirySignatureInput, key: string): string {
  return espaySignature([input.senderId, input.orderId, input.productCode, input.rqUuid], key);
}

export interface PaymentSignatureInput extends InquirySignatureInput {
  /** The exact amount string sent in the body; reformatting it in any way breaks the signature. */
  amount: string;
}

/** `##sender_id##order_id##product_code##amount##rq_uuid##key##` */
export function paymentSignature(input: PaymentSignatureInput, key: string): string {
  return espaySignature([input.senderId, input.orderId, input.productCode, input.amount, input.rqUuid], key);
}

export interface StatusSignatureInput {
  senderId: string;
  /** The ref_id Espay returned in the payment response. */
  refId: string;
  rqUuid: string;
}

/** `##sender_id##ref_id##rq_uuid##key##` */
export function statusSignature(input: StatusSignatureInput, key: string): string {
  return espaySignature([input.senderId, input.refId, input.rqUuid], key);
}
