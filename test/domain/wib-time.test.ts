import { describe, expect, it } from "vitest";
import { endOfWibDay, formatWib, startOfWibMonth, wibDate } from "../../src/domain/wib-time.ts";

describe("WIB time", () => {
  it("knows the WIB day and its end", () => {
    const t = Date.UTC(2026, 10, 22, 16, 59); // 23:59 WIB
    expect(wibDate(t)).toBe("2026-11-22");
    expect(endOfWibDay(t)).toBe(Date.UTC(2026, 10, 22, 17, 0));
    expect(wibDate(Date.UTC(2026, 10, 22, 17, 0))).toBe("2026-11-23");
    expect(formatWib(t)).toBe("22-11-2026 23:59 WIB");
    expect(startOfWibMonth(Date.UTC(2026, 10, 30, 18, 0))).toBe(Date.UTC(2026, 10, 30, 17, 0)); // 1 December WIB
  });
});
