import { looksLikeRef } from "../domain/ref.ts";
import { UsageError } from "./errors.ts";

/** Reads the one `<ref>` argument; refs are case-insensitive when typed (LK + 12 characters). */
export function readRef(positionals: readonly string[], usage: string): string {
  const [ref, ...extra] = positionals;
  if (ref === undefined || extra.length > 0) throw new UsageError(`usage: ${usage}`);
  if (!looksLikeRef(ref)) throw new UsageError(`"${ref}" is not a Loket reference (LK followed by 12 letters and digits)`);
  return ref.toUpperCase();
}
