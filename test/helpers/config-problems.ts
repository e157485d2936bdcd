import { ConfigError, parseConfig } from "../../src/config.ts";

/** The problems of a configuration that must not start, or a failure if it starts. */
export function configProblems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}
