import { UsageError } from "./errors.ts";

/**
 * A small hand-written argument parser: `--name value`, `--name=value` and boolean `--name`,
 * anywhere among the positionals; `--` ends the flags. Anything unexpected is a usage error
 * rather than being ignored, so a typo never silently changes what gets paid.
 */

export interface FlagSpec {
  /** Flags that take a value (`--months 2`). */
  values: readonly string[];
  /** Flags that stand alone (`--json`). */
  booleans: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  values: ReadonlyMap<string, string>;
  booleans: ReadonlySet<string>;
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const booleans = new Set<string>();
  let flagsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (flagsEnded || !arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      flagsEnded = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (spec.booleans.includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      if (booleans.has(name)) throw new UsageError(`--${name} is given twice`);
      booleans.add(name);
      continue;
    }
    if (!spec.values.includes(name)) throw new UsageError(`unknown option --${name}`);
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === "" || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  return { positionals, values, booleans };
}
