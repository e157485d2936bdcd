import { expect, it } from "vitest";
import { isGatewayOrderId } from "../../src/gateway/order-id.ts";

it("takes Midtrans' order ids: up to 50 of letters, digits, - _ ~ .", () => {
  for (const id of ["a", "LK-TOPUP-0001", "order102", "A~b.c_d-e", "x".repeat(50), "...", ".a"]) expect(isGatewayOrderId(id), id).toBe(true);
});

it("refuses blanks, other symbols, non-ASCII, dot segments and anything longer", () => {
  for (const id of ["", " ", ".", "..", "a b", "a/b", "a?b", "a#b", "a%2F", "pesanan-ü", "x".repeat(51), "a\nb"]) expect(isGatewayOrderId(id), id).toBe(false);
});
