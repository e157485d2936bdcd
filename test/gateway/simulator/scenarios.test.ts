import { expect, it } from "vitest";
import { GATEWAY_SCENARIOS, SCENARIO_BY_AMOUNT_SUFFIX, amountFor, scenarioForAmount } from "../../../src/gateway/simulator/scenarios.ts";

it("reads the scenario from the last three digits of the amount; whole thousands are paid", () => {
  expect(scenarioForAmount(10_000)).toBe("pay");
  expect(scenarioForAmount(250_000)).toBe("pay");
  expect(scenarioForAmount(10_001)).toBe("never_pay");
  expect(scenarioForAmount(10_002)).toBe("notify_twice");
  expect(scenarioForAmount(1_000_003)).toBe("notify_first");
  expect(scenarioForAmount(10_009)).toBe("pay");
});

it("every scenario but pay has an amount, and amountFor finds it", () => {
  const reachable = new Set(Object.values(SCENARIO_BY_AMOUNT_SUFFIX));
  for (const scenario of GATEWAY_SCENARIOS) {
    if (scenario === "pay") continue;
    expect(reachable.has(scenario), scenario).toBe(true);
    expect(scenarioForAmount(amountFor(scenario, 75_500))).toBe(scenario);
  }
  expect(amountFor("never_pay", 75_500)).toBe(75_001);
  expect(amountFor("pay", 75_500)).toBe(75_000);
});
