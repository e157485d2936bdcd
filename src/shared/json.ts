/**
 * The one way untrusted or stored JSON text is read: a value, or undefined when the text is not
 * JSON (JSON itself never yields undefined). What it must look like is then checked with zod.
 */
export function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
