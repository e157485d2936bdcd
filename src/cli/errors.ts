/**
 * Exit codes of the operator CLI: 0 the command ran (whatever the payment's outcome), 2 the operator
 * asked for something malformed or not allowed, 1 the configuration or the program itself failed.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A malformed or refused request: exit 2, with a message that says what to type instead. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
