/**
 * Sandbox test numbers (docs/providers.md#simulator-scenario-numbers). BPJS, BPJSTK and Espay's
 * BPJSKS follow IAK's NEWER scheme, read from the last four digits (a phase digit, 0 = inquiry / 1 = payment, then a
 * 3-digit RC); BPJSDENDA keeps its own 0999943011xx numbers. Any other number succeeds.
 */

export type InquiryScenario = "ok" | "already_paid" | "wrong_number" | "timeout";

/** How a pay on a successful inquiry ends; "pending" settles later (success by default). */
export type PayScenario = "success" | "failed" | "pending" | "biller_error";

export interface Scenario {
  inquiry: InquiryScenario;
  pay: PayScenario;
}

const SUCCESS: Scenario = { inquiry: "ok", pay: "success" };

const BY_LAST_FOUR: Readonly<Record<string, Scenario>> = {
  "0000": SUCCESS,
  "0001": { inquiry: "already_paid", pay: "success" },
  "0014": { inquiry: "wrong_number", pay: "success" },
  "0103": { inquiry: "timeout", pay: "success" },
  "1037": { inquiry: "ok", pay: "failed" },
  "1039": { inquiry: "ok", pay: "pending" },
  "1105": { inquiry: "ok", pay: "biller_error" },
};

const DENDA_NUMBERS: Readonly<Record<string, Scenario>> = {
  "099994301101": SUCCESS,
  "099994301103": { inquiry: "timeout", pay: "success" },
  "099994301104": { inquiry: "already_paid", pay: "success" },
  "099994301105": { inquiry: "wrong_number", pay: "success" },
  "099994301106": { inquiry: "ok", pay: "failed" },
  "099994301107": { inquiry: "ok", pay: "pending" },
  "099994301108": { inquiry: "ok", pay: "biller_error" },
};

export function scenarioFor(code: string, customerNumber: string): Scenario {
  if (code === "BPJSDENDA") return DENDA_NUMBERS[customerNumber] ?? SUCCESS;
  return BY_LAST_FOUR[customerNumber.slice(-4)] ?? SUCCESS;
}
