/** Bad command-line input: printed with a usage hint, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
