/** A mistake the user must mend (an option, an input, a file): one line on stderr and exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
