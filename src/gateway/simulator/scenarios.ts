/**
 * How a simulated order ends (docs/gateway.md#simulator-scenarios). Chosen by the last three
 * digits of the amount (Rp10.001 never gets paid, …), or for the next charge by
 * POST /__sim/scenario, for callers whose amounts are whole thousands. Anything else is paid
 * after the configured delay.
 */
export const GATEWAY_SCENARIOS = [
  /** Paid `payAfterMs` after the charge (the default). */
  "pay",
  /** Never paid: expires at its expiry (an expire notification). */
  "never_pay",
  /** Paid, and the settlement notification is sent twice. */
  "notify_twice",
  /** The pending notification is delivered before the charge answer is written. */
  "notify_first",
  /** A settlement notification with a forged signature arrives; the order is never paid. */
  "forged_notification",
  /** Not paid in time (expires, notified), then paid `payAfterMs` after its expiry. */
  "pay_late",
  /** The charge is refused: 402, payment channel not activated. Nothing is created. */
  "refuse_charge",
  /** The order is created but the charge answer is lost (HTTP 500); never paid. */
  "lose_charge_answer",
  /** Paid, then reversed (settlement → deny, as Permata can) `payAfterMs` later. */
  "reversal",
] as const;

export type GatewayScenario = (typeof GATEWAY_SCENARIOS)[number];

export const SCENARIO_BY_AMOUNT_SUFFIX: Readonly<Record<string, GatewayScenario>> = {
  "001": "never_pay",
  "002": "notify_twice",
  "003": "notify_first",
  "004": "forged_notification",
  "005": "pay_late",
  "006": "refuse_charge",
  "007": "lose_charge_answer",
  "008": "reversal",
};

export function scenarioForAmount(amount: number): GatewayScenario {
  return SCENARIO_BY_AMOUNT_SUFFIX[String(amount % 1000).padStart(3, "0")] ?? "pay";
}

/** The amount nearest above `base` (whole thousands) that picks `scenario`, for tests and demos. */
export function amountFor(scenario: GatewayScenario, base = 10_000): number {
  const thousands = Math.floor(base / 1000) * 1000;
  const suffix = Object.entries(SCENARIO_BY_AMOUNT_SUFFIX).find(([, s]) => s === scenario)?.[0];
  return thousands + Number(suffix ?? "0");
}

export function isGatewayScenario(value: string): value is GatewayScenario {
  return (GATEWAY_SCENARIOS as readonly string[]).includes(value);
}
