import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/args.ts";
import { UsageError } from "../../src/cli/errors.ts";

const SPEC = { values: ["months"], booleans: ["json"] };

describe("cli argument parser", () => {
  it("takes flags anywhere, in both value forms", () => {
    const a = parseArgs(["--json", "bpjs-kesehatan", "--months", "3", "8801234560000"], SPEC);
    expect(a.positionals).toEqual(["bpjs-kesehatan", "8801234560000"]);
    expect(a.values.get("months")).toBe("3");
    expect(a.booleans.has("json")).toBe(true);
    expect(parseArgs(["--months=12"], SPEC).values.get("months")).toBe("12");
  });

  it("treats everything after -- as positional", () => {
    expect(parseArgs(["--", "--json"], SPEC)).toMatchObject({ positionals: ["--json"] });
  });

  it.each([
    [["--nope"], "unknown option --nope"],
    [["--months"], "--months needs a value"],
    [["--months", "--json"], "--months needs a value"],
    [["--months="], "--months needs a value"],
    [["--months", "1", "--months", "2"], "--months is given twice"],
    [["--json", "--json"], "--json is given twice"],
    [["--json=yes"], "--json takes no value"],
  ])("refuses %j", (argv, message) => {
    expect(() => parseArgs(argv, SPEC)).toThrow(UsageError);
    expect(() => parseArgs(argv, SPEC)).toThrow(message);
  });
});
