import { createHash } from "node:crypto";

/** IAK: md5(username + api_key + X), lowercase hex (docs/providers.md#iak-endpoint-and-signing). */
export function iakSign(username: string, apiKey: string, x: string): string {
  return createHash("md5")
    .update(username + apiKey + x)
    .digest("hex");
}

/**
 * Espay biller: the values and the key joined with `##` (leading and trailing too), the WHOLE
 * string uppercased, key included, then SHA-256 in lowercase hex (docs/providers.md#espay-endpoints-and-signing).
 */
export function espaySignature(values: readonly string[], key: string): string {
  const plain = `##${[...values, key].join("##")}##`.toUpperCase();
  return createHash("sha256").update(plain).digest("hex");
}
