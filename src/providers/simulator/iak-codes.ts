/**
 * The IAK postpaid response codes the simulator answers with, and their messages
 * (docs/providers.md#iak-response-codes).
 */
export const IAK_RC = {
  success: "00",
  alreadyPaid: "01",
  invalidRefId: "03",
  billingExpired: "04",
  inquiryNotFound: "06",
  duplicateRefId: "11",
  wrongNumber: "14",
  depositLow: "17",
  productUnregistered: "20",
  paymentFailed: "37",
  pending: "39",
  payNotReceived: "42",
  invalidAmount: "93",
  invalidSignature: "100",
  invalidCommand: "101",
  timeout: "103",
  billerError: "105",
  formatError: "107",
  pageNotFound: "117",
} as const;

export type IakRc = (typeof IAK_RC)[keyof typeof IAK_RC];

const MESSAGES: Readonly<Record<IakRc, string>> = {
  "00": "SUCCESS",
  "01": "INVOICE HAS BEEN PAID",
  "03": "INVALID REF ID",
  "04": "BILLING ID EXPIRED",
  "06": "INQUIRY ID NOT FOUND",
  "11": "DUPLICATE REF ID",
  "14": "INCORRECT DESTINATION NUMBER",
  "17": "BALANCE NOT ENOUGH",
  "20": "PRODUCT UNREGISTERED",
  "37": "PAYMENT FAILED",
  "39": "PENDING / TRANSACTION IN PROCESS",
  "42": "PAYMENT REQUEST HAVEN'T BEEN RECEIVED",
  "93": "INVALID AMOUNT",
  "100": "INVALID SIGNATURE",
  "101": "INVALID COMMAND",
  "103": "TIMEOUT",
  "105": "MISC ERROR / BILLER SYSTEM ERROR",
  "107": "XML FORMAT ERROR",
  "117": "PAGE NOT FOUND",
};

/** RC 00 reads differently per command ("INQUIRY SUCCESS", "PAYMENT SUCCESS"). */
export function iakMessage(rc: IakRc, successWord?: "INQUIRY" | "PAYMENT"): string {
  return rc === "00" && successWord !== undefined ? `${successWord} SUCCESS` : MESSAGES[rc];
}
