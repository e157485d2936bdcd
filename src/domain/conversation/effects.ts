import { z } from "zod";
import type { Turn } from "./turn.ts";

/**
 * What a step asks the engine to do once its commit is in (docs/architecture.md): every provider
 * or gateway call is one of these. The engine runs any of them the same way — it knows no kind —
 * and each kind has one handler: `run` (the call; it records its own facts), `resume` (what became
 * of it, from the rows, when its run never reported) and `after` (the flow's answer, in the commit
 * that also clears the effect from the session). A new effect is a new line here and a handler.
 */
export const effectSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("inquire"), ref: z.string() }),
  z.object({ kind: z.literal("pay"), ref: z.string(), again: z.boolean(), actor: z.string() }),
  z.object({ kind: z.literal("topup_charge"), orderId: z.string() }),
  z.object({ kind: z.literal("topup_check"), orderId: z.string() }),
  // An auto-payment's inquiry and payment (reminders/autopay-step.ts): the same calls, its own answers.
  z.object({ kind: z.literal("autopay_inquire"), ref: z.string(), run: z.number().int() }),
  z.object({ kind: z.literal("autopay_pay"), ref: z.string(), run: z.number().int() }),
  /** A shortfall top-up's bill paid for the payer while another screen is theirs (docs/topups.md#the-shortfall). */
  z.object({ kind: z.literal("pay_aside"), ref: z.string(), actor: z.string() }),
]);
export type Effect = z.infer<typeof effectSchema>;
export type EffectKind = Effect["kind"];

export interface EffectHandler<E extends Effect, R> {
  /** The call itself, outside any commit; `userId` is the person whose step asked for it. */
  run(effect: E, userId: number): Promise<R>;
  /** Inside a commit: what became of an effect whose run did not report (a crash, a bug), from the rows. */
  resume(effect: E): R;
  /** Inside a commit: answers the person (the turn is saved with it). */
  after(turn: Turn, result: R, effect: E): void;
  /** The i18n key of the apology when even `after` failed (the key gets `{ref}` when the effect has one). */
  readonly apologyKey: string;
}

/** The engine's view: every effect alike, no kinds. */
export interface EffectRegistry {
  run(effect: Effect, userId: number): Promise<unknown>;
  resume(effect: Effect): unknown;
  after(turn: Turn, effect: Effect, result: unknown): void;
  apologyKey(effect: Effect): string;
}

export function createEffectRegistry(handlers: { [K in EffectKind]: EffectHandler<Extract<Effect, { kind: K }>, unknown> }): EffectRegistry {
  // Each handler is keyed by the kind it takes, so the one picked always matches its effect.
  const pick = (effect: Effect) => handlers[effect.kind] as EffectHandler<Effect, unknown>;
  return {
    run: (effect, userId) => pick(effect).run(effect, userId),
    resume: (effect) => pick(effect).resume(effect),
    after: (turn, effect, result) => pick(effect).after(turn, result, effect),
    apologyKey: (effect) => pick(effect).apologyKey,
  };
}
