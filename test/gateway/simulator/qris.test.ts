import { describe, expect, it } from "vitest";
import { crc16CcittFalse, hasValidCrc, parseEmv, qrisPayload, tlv, withCrc } from "../../../src/gateway/simulator/qris.ts";

/** Midtrans' own QRIS charge sample (docs.midtrans.com, GoPay QRIS POS integration): its tag 63 is A623. */
const MIDTRANS_SAMPLE =
  "00020101021226620014COM.GO-JEK.WWW011993600914349052630340210G4905263030303UKE51440014ID.CO.QRIS.WWW0215AID0607336128660303UKE5204341453033605802ID5904Test6007BANDUNG6105402845409789000.0062475036c032f87c-f773-4619-aefa-675e1f06f9210703A016304A623";

describe("QRIS payloads", () => {
  it("computes CRC-16/CCITT-FALSE: the standard check value and Midtrans' sample", () => {
    expect(crc16CcittFalse("123456789")).toBe("29B1");
    expect(crc16CcittFalse(MIDTRANS_SAMPLE.slice(0, -4))).toBe("A623");
    expect(hasValidCrc(MIDTRANS_SAMPLE)).toBe(true);
  });

  it("reads Midtrans' sample tag by tag", () => {
    const tags = parseEmv(MIDTRANS_SAMPLE);
    expect(tags?.get("00")).toBe("01");
    expect(tags?.get("01")).toBe("12");
    expect(tags?.get("53")).toBe("360");
    expect(tags?.get("54")).toBe("789000.00");
    expect(tags?.get("58")).toBe("ID");
    expect(tags?.get("63")).toBe("A623");
  });

  it("notices a changed character, a wrong CRC and broken TLV", () => {
    expect(hasValidCrc(MIDTRANS_SAMPLE.replace("789000.00", "189000.00"))).toBe(false);
    expect(hasValidCrc(`${MIDTRANS_SAMPLE.slice(0, -4)}A624`)).toBe(false);
    expect(parseEmv("0002")).toBeNull();
    expect(parseEmv("00020101")).toBeNull();
    expect(parseEmv("0x0201")).toBeNull();
    expect(hasValidCrc("")).toBe(false);
  });

  it("builds a dynamic payload with the amount, IDR, Indonesia, the transaction id and a correct CRC", () => {
    const payload = qrisPayload({
      transactionId: "3b8be1a5-9516-451b-9a26-1055a73f8589",
      amount: 10_000_000,
      merchantName: "LOKET SIMULATOR WITH A VERY LONG NAME",
      merchantCity: "JAKARTA PUSAT",
      postalCode: "10110",
      nmid: "ID1026000000001",
    });
    expect(hasValidCrc(payload)).toBe(true);
    const tags = parseEmv(payload);
    expect([...(tags?.keys() ?? [])]).toEqual(["00", "01", "26", "51", "52", "53", "54", "58", "59", "60", "61", "62", "63"]);
    expect(tags?.get("01")).toBe("12");
    expect(tags?.get("53")).toBe("360");
    expect(tags?.get("54")).toBe("10000000.00");
    expect(tags?.get("58")).toBe("ID");
    expect(tags?.get("59")).toHaveLength(25);
    expect(parseEmv(tags?.get("62") ?? "")?.get("05")).toBe("3b8be1a5-9516-451b-9a26-1055a73f8589");
    expect(parseEmv(tags?.get("51") ?? "")?.get("00")).toBe("ID.CO.QRIS.WWW");
  });

  it("refuses a tag or value EMV cannot hold", () => {
    expect(() => tlv("5", "x")).toThrow();
    expect(() => tlv("54", "")).toThrow();
    expect(() => tlv("62", "x".repeat(100))).toThrow();
    expect(withCrc("000201")).toMatch(/^0002016304[0-9A-F]{4}$/);
  });
});
