import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { iakSign, SIGN_SUFFIX } from "../../../src/providers/iak/sign.ts";
import { API_KEY, USERNAME } from "./setup.ts";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

describe("iakSign", () => {
  it("is md5(username + apiKey + x) in lowercase hex", () => {
    expect(iakSign(USERNAME, API_KEY, "ORD20250101A1")).toBe(md5(`${USERNAME}${API_KEY}ORD20250101A1`));
    expect(iakSign("u", "k", "x")).toMatch(/^[0-9a-f]{32}$/);
  });

  // Computed once with `printf %s ... | md5sum`, independent of node:crypto.
  it.each([
    ["inq-pasca (ref_id)", "ORD20250101A1", "85512a1daf229ce287a38433a3b943b9"],
    ["pay-pasca (tr_id)", "9732787", "9386f0f492f209e3eba5017365087f85"],
    ["checkstatus", SIGN_SUFFIX.checkStatus, "e32999d6e611cac5bd3e83d96221b1a5"],
    ["pricelist-pasca", SIGN_SUFFIX.priceList, "4b12caea8cd3c001368ca940d038d540"],
  ])("matches the fixed vector for %s", (_command, x, hex) => {
    expect(iakSign(USERNAME, API_KEY, x)).toBe(hex);
  });
});
