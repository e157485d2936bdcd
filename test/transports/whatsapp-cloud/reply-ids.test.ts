import { describe, expect, it } from "vitest";
import { decodeReplyId, encodeReplyId, ReplyIdError } from "../../../src/transports/whatsapp-cloud/reply-ids.ts";

describe("reply ids", () => {
  it("round-trips the nonce and the choice id", () => {
    expect(decodeReplyId(encodeReplyId(12, "product:bpjs-kesehatan"))).toEqual({ nonce: 12, choiceId: "product:bpjs-kesehatan" });
    expect(encodeReplyId(0, "menu")).toBe("0|menu");
  });

  it.each([
    "",
    "menu",
    "|menu",
    "01|menu",
    "-1|menu",
    "1|",
    "1|menu|x",
    "1| menu",
    "1|menu ",
    "1|<script>",
    "99999999999|menu",
    `1|${"a".repeat(65)}`,
    "1|pay:LK00000000000\u0000",
  ])("refuses %j", (id) => {
    expect(decodeReplyId(id)).toBeNull();
  });

  it("refuses to build an id that could not come back", () => {
    expect(() => encodeReplyId(1, "has space")).toThrow(ReplyIdError);
    expect(() => encodeReplyId(1, "a".repeat(80))).toThrow(ReplyIdError);
  });
});
