/** A mistake the user must mend (an option, an input, a file): one line on stderr and exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--unit NAME` that is not a unit name (systemd.unit(5)): the one message for it. */
export function notAUnitName(unit: string, given = '--unit '): UsageError {
  return new UsageError(`${given}${unit}: not a unit name (NAME.service, NAME.socket, …)`);
}
