/** Linux signal numbers common to most ABIs (x86, arm, riscv, ppc, s390, loongarch…). */
const GENERIC_SIGNALS: readonly string[] = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL',
  'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT',
  'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF',
  'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** ABIs whose SIGSYS is 12 (mips, sparc, alpha number their signals the old way). */
const SIGSYS_12 = /^(mips|sparc|alpha)/;

/**
 * The name of a logged signal number. `sig=` is in the numbering of the kernel's own
 * architecture; the record's ABI family stands in for it (a compat ABI shares its host's).
 */
export function signalName(signal: number, abi: string | null): string | null {
  if (signal === 0) return null;
  if (abi !== null && SIGSYS_12.test(abi)) {
    if (signal === 12) return 'SIGSYS';
    if (signal === 9) return 'SIGKILL';
    return null;
  }
  return GENERIC_SIGNALS[signal] || null;
}
