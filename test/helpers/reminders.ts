import type { ProductId } from "../../src/domain/products.ts";
import type { Harness, PayerDriver } from "./app-harness.ts";

/** The instant of a WIB wall-clock time (UTC+7). */
export function wib(year: number, month: number, day: number, hour = 0, minute = 0): number {
  return Date.UTC(year, month - 1, day, hour - 7, minute);
}

export function userIdOf(h: Harness, p: PayerDriver): number {
  return h.app.repos.users.findByIdentity(p.platform, p.id)!.id;
}

/** A payer known to the bot with a saved number (written directly: the conversation is tested elsewhere). */
export async function withSavedNumber(
  h: Harness,
  p: PayerDriver,
  opts: { product?: ProductId; number?: string; label?: string } = {},
): Promise<{ userId: number; savedId: number }> {
  if (!h.app.repos.users.findByIdentity(p.platform, p.id)) await p.say("/start");
  const userId = userIdOf(h, p);
  const product = opts.product ?? "bpjs-kesehatan";
  const number = opts.number ?? "8801234560000";
  h.app.repos.savedNumbers.save(userId, product, number, opts.label ?? "Ibu", h.clock.now());
  const savedId = h.app.repos.savedNumbers.list(userId).find((s) => s.product === product && s.number === number)!.id;
  return { userId, savedId };
}

/** Turns a reminder on, as the conversation does (settings row + plan), without going through it. */
export async function remindMe(h: Harness, p: PayerDriver, savedId: number): Promise<string> {
  return p.tap(`rem:on:${savedId}`);
}

/** Sets up auto-pay through the conversation: day, ceiling, confirm. */
export async function autopayMe(p: PayerDriver, savedId: number, day: number, ceiling: string): Promise<string> {
  await p.tap(`rem:autopay:${savedId}`);
  await p.say(String(day));
  await p.say(ceiling);
  return p.tap("rem:apyes");
}

export function runsOf(
  h: Harness,
  kind?: string,
): { id: number; kind: string; period: string; status: string; reason: string | null; tx_ref: string | null; saved_number_id: number | null }[] {
  const rows = h.app.db.prepare("SELECT id, kind, period, status, reason, tx_ref, saved_number_id FROM reminder_runs ORDER BY id").all() as ReturnType<
    typeof runsOf
  >;
  return kind === undefined ? rows : rows.filter((r) => r.kind === kind);
}

/** One scheduler tick at the harness's clock, then the engine and outbox quiet. */
export async function tick(h: Harness): Promise<void> {
  await h.app.reminders.tick();
  await h.settle();
}
