/** A bad command line: names the flag, says what is wrong and how to fix it. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
    this.name = "UsageError";
  }
}
