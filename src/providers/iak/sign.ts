import { createHash } from "node:crypto";

/** What IAK appends to username + api key before hashing, per command (docs/providers.md#iak-endpoint-and-signing). */
export const SIGN_SUFFIX = {
  checkStatus: "cs",
  priceList: "pl",
} as const;

/**
 * IAK's request signature: md5(username + apiKey + x), plain concatenation, lowercase hex.
 * x is the ref_id for inq-pasca, String(tr_id) for pay-pasca, "cs" for checkstatus, "pl" for pricelist-pasca.
 */
export function iakSign(username: string, apiKey: string, x: string): string {
  return createHash("md5")
    .update(username + apiKey + x, "utf8")
    .digest("hex");
}
