import { iakDateTime } from "../../domain/wib-time.ts";

/**
 * Espay's `rq_datetime`: merchant time as `YYYY-MM-DD HH:MM:SS`. We send WIB, the time Espay's own
 * servers keep. Built from the shared WIB helper so the UTC+7 offset lives in one place.
 */
export function espayDateTime(epochMs: number): string {
  const s = iakDateTime(epochMs);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}`;
}
