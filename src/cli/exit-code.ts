/** The exit codes, documented in the README. */
export const ExitCode = {
  /** At least one seccomp denial was found and explained. */
  Found: 0,
  /** The input was read, and held no seccomp denial (after filters). */
  NothingFound: 1,
  /** The command line was wrong, or an input could not be read: the user must act. */
  InputError: 2,
  /** A bug: an error the program did not expect. */
  InternalError: 3,
} as const;

/** `run`'s exit codes, a CI gate's answer (README, "Test before you ship"); 2 and 3 as above. */
export const RunExitCode = {
  /** The command succeeded and made no call outside the filter. */
  Pass: 0,
  /** Calls outside the filter (not in the baseline). */
  Denials: 1,
  /** Records may have been lost: no pass can be given. */
  Inconclusive: 4,
  /** The command failed, and made no call outside the filter. */
  CommandFailed: 5,
} as const;
