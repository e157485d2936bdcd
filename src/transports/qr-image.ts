import QRCode from "qrcode";

/**
 * A QR code (a QRIS payload) as a PNG, for the platforms that send pictures (Telegram, WhatsApp).
 * Drawn here from the payload rather than fetched from the gateway: the payload is what the payer's
 * app scans, and no gateway URL needs to be reachable without credentials.
 */
export function qrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 512 });
}

/** The same QR for a terminal (the console chat). */
export function qrTerminal(payload: string): Promise<string> {
  return QRCode.toString(payload, { type: "terminal", small: true, errorCorrectionLevel: "M" });
}
