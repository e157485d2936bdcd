/**
 * QRIS payloads as the simulator hands them out: EMVCo merchant-presented QR text, a run of
 * tag (2 digits) + length (2 digits) + value, ending with tag 63, a CRC-16/CCITT-FALSE
 * (polynomial 0x1021, initial 0xFFFF) over everything up to and including "6304"
 * (docs/gateway.md#qris-payloads). Dynamic (tag 01 = "12"): one order, the amount fixed in tag 54.
 */

export function crc16CcittFalse(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, "utf8")) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, "0");
}

export function tlv(tag: string, value: string): string {
  if (!/^\d{2}$/.test(tag)) throw new Error(`EMV tag must be two digits: ${tag}`);
  if (value.length === 0 || value.length > 99) throw new Error(`EMV value of tag ${tag} must be 1–99 characters`);
  return `${tag}${String(value.length).padStart(2, "0")}${value}`;
}

/** Appends tag 63 with the CRC of everything before it. */
export function withCrc(payload: string): string {
  const head = `${payload}6304`;
  return head + crc16CcittFalse(head);
}

/** The top-level tags of a payload, in order, or null when it is not well-formed TLV text. */
export function parseEmv(payload: string): Map<string, string> | null {
  const tags = new Map<string, string>();
  let at = 0;
  while (at < payload.length) {
    const tag = payload.slice(at, at + 2);
    const lengthText = payload.slice(at + 2, at + 4);
    if (!/^\d{2}$/.test(tag) || !/^\d{2}$/.test(lengthText)) return null;
    const end = at + 4 + Number(lengthText);
    if (end > payload.length || tags.has(tag)) return null;
    tags.set(tag, payload.slice(at + 4, end));
    at = end;
  }
  return tags;
}

/** Whether the payload ends with a tag 63 holding the right CRC. */
export function hasValidCrc(payload: string): boolean {
  const tags = parseEmv(payload);
  if (tags === null || !payload.slice(-8).startsWith("6304")) return false;
  return crc16CcittFalse(payload.slice(0, -4)) === payload.slice(-4).toUpperCase();
}

export interface QrisFields {
  /** Goes into tag 62 (additional data, reference label), as Midtrans' own payloads carry it. */
  transactionId: string;
  /** Integer rupiah; written "10000.00" like Midtrans' sample. */
  amount: number;
  merchantName: string;
  merchantCity: string;
  postalCode: string;
  /** National merchant id (NMID) of the tag 51 QRIS block. */
  nmid: string;
}

/**
 * A dynamic QRIS payload shaped like Midtrans' sample: an acquirer block (26), the national
 * QRIS block (51), MCC, IDR, the amount, country, name, city, postal code, additional data, CRC.
 * The acquirer id is the simulator's own: no real wallet would accept it, which is the point.
 */
export function qrisPayload(fields: QrisFields): string {
  const acquirer = tlv("00", "ID.LOKET.SIMULATOR") + tlv("01", "936000000000000001") + tlv("02", fields.nmid.slice(2)) + tlv("03", "UKE");
  const national = tlv("00", "ID.CO.QRIS.WWW") + tlv("02", fields.nmid) + tlv("03", "UKE");
  const additional = tlv("05", fields.transactionId.slice(0, 99)) + tlv("07", "A01");
  return withCrc(
    tlv("00", "01") +
      tlv("01", "12") +
      tlv("26", acquirer) +
      tlv("51", national) +
      tlv("52", "5999") +
      tlv("53", "360") +
      tlv("54", `${fields.amount}.00`) +
      tlv("58", "ID") +
      tlv("59", fields.merchantName.slice(0, 25)) +
      tlv("60", fields.merchantCity.slice(0, 15)) +
      tlv("61", fields.postalCode) +
      tlv("62", additional),
  );
}
