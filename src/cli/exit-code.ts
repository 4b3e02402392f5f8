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
