/**
 * An inquiry reveals a stranger's name, so names are masked (docs/conversation.md): each word keeps its first
 * two letters (`ONI SAPUTRA` → `ON* SA*****`). A provider's own masking (`RIS** A* DZUH**`) is kept:
 * a word that already contains `*` is left as it is.
 */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((word) => {
      if (word.includes("*")) return word;
      const chars = Array.from(word);
      if (chars.length <= 2) return chars[0] === undefined ? "" : chars[0] + "*".repeat(chars.length - 1);
      return chars.slice(0, 2).join("") + "*".repeat(chars.length - 2);
    })
    .join(" ");
}

/** NIKs (and any number we treat as personal) are shown by their last four digits only. */
export function maskDigits(number: string): string {
  if (number.length <= 4) return "*".repeat(number.length);
  return "*".repeat(number.length - 4) + number.slice(-4);
}
