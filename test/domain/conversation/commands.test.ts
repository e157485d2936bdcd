import { describe, expect, it } from "vitest";
import { parseCommand } from "../../../src/domain/conversation/commands.ts";

describe("commands", () => {
  it("recognises commands with and without a slash, in both languages", () => {
    expect(parseCommand("/saldo")).toMatchObject({ kind: "payer", name: "balance" });
    expect(parseCommand("balance")).toMatchObject({ kind: "payer", name: "balance" });
    expect(parseCommand("/saldo@LoketBot")).toMatchObject({ kind: "payer", name: "balance" });
    expect(parseCommand("status LK0123456789AB")).toMatchObject({ kind: "payer", name: "status", args: ["LK0123456789AB"] });
    expect(parseCommand("/topup U1 5")).toMatchObject({ kind: "admin", name: "topup" });
    expect(parseCommand("topup U1 5")).toBeNull();
    expect(parseCommand("/nope")).toMatchObject({ kind: "unknown" });
    expect(parseCommand("8801234560000")).toBeNull();
    expect(parseCommand("saldo saya berapa")).toBeNull();
    expect(parseCommand("pengingat off")).toMatchObject({ kind: "payer", name: "reminders", args: ["off"] });
    expect(parseCommand("/reminders")).toMatchObject({ kind: "payer", name: "reminders", args: [] });
  });
});
