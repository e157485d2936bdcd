import { expect, it } from "vitest";
import { midtransDateTime, midtransOrderTime, parseMidtransOrderTime } from "../../../src/gateway/midtrans/date-time.ts";
import { NOW } from "./setup.ts";

it("writes WIB times the way Midtrans does", () => {
  expect(midtransDateTime(NOW)).toBe("2026-05-12 10:00:00");
  expect(midtransOrderTime(NOW)).toBe("2026-05-12 10:00:00 +0700");
  // 17:30 UTC is already the next day in WIB.
  expect(midtransDateTime(Date.UTC(2026, 11, 31, 17, 30, 0))).toBe("2027-01-01 00:30:00");
});

it("reads an order_time back, with any offset", () => {
  expect(parseMidtransOrderTime("2026-05-12 10:00:00 +0700")).toBe(NOW);
  expect(parseMidtransOrderTime("2026-05-12 03:00:00 +0000")).toBe(NOW);
  expect(parseMidtransOrderTime("2026-05-11 22:00:00 -0500")).toBe(NOW);
  expect(parseMidtransOrderTime(midtransOrderTime(NOW + 1234_000))).toBe(NOW + 1234_000);
});

it("refuses what is not an order_time", () => {
  for (const text of [
    "",
    "2026-05-12 10:00:00",
    "2026-05-12T10:00:00+07:00",
    "2026-02-31 10:00:00 +0700",
    "2026-05-12 24:00:00 +0700",
    "12-05-2026 10:00:00 +0700",
  ]) {
    expect(parseMidtransOrderTime(text), text).toBeNull();
  }
});
