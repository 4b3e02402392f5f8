import type { UnitWarning } from '../systemd/index.js';
import { describeUnitWarning } from './unit-warnings.js';

/**
 * What `suggest` warns of: the unit's warnings, and its own about the input. Data only,
 * worded by describeSuggestWarning. Part of `suggest --json` (`warning_codes`).
 */
export type SuggestWarning =
  | UnitWarning
  /** `lines` lines were left out: logged under names (`senders`, the first few) the kernel, auditd and PID 1 never use. */
  | { code: 'impossible-senders'; lines: number; senders: string[] }
  /** Only the first `listed` distinct denials were attributed; `overflow` more were counted. */
  | { code: 'overflow'; listed: number; overflow: number; writing: boolean }
  /** Denials of programs (the first few; null: one the record names not) that the unit found does not run were left out. */
  | { code: 'other-programs-left-out'; denials: number; programs: (string | null)[] }
  /**
   * Nothing in the input ties these denials to the named `unit`: no systemd exit or coredump entry
   * names it for them, and its `ExecStart=` runs none of their programs. `taken`: null when they were
   * left out, else the option that took them anyway (`--exe`, `--all-programs`).
   */
  | { code: 'untied-denials'; unit: string; denials: number; programs: (string | null)[]; taken: 'exe' | 'all-programs' | null }
  /** `--write` could not write the drop-in to `path` (refused or failed; `failure` as the writer said it): it is shown for putting in place by hand. */
  | { code: 'not-written'; path: string; failure: string }
  /** A source to confirm lines against could not be read (`failure` as the reader said it). */
  | { code: 'confirmation-unreadable'; failure: string };

function programList(programs: (string | null)[]): string {
  return programs.map((program) => program ?? 'unknown program').join(', ');
}

/** A suggest warning in words (the `warning:` lines, and `warnings` in `suggest --json`). */
export function describeSuggestWarning(warning: SuggestWarning): string {
  switch (warning.code) {
    case 'impossible-senders':
      return `left out ${warning.lines} ${warning.lines === 1 ? 'line' : 'lines'} logged under a name that the kernel, auditd and PID 1 never log under (${warning.senders.join(', ')})`;
    case 'overflow':
      return `only the first ${warning.listed} distinct denials are attributed; ${warning.overflow} more were counted, not attributed${warning.writing ? ' nor written' : ''}: narrow the input with --exe`;
    case 'other-programs-left-out':
      return `left out ${warning.denials} ${warning.denials === 1 ? 'denial' : 'denials'} of other programs (${warning.programs.map((program) => program ?? 'unknown program').join(', ')}): give --unit and --exe for those, or --all-programs`;
    case 'untied-denials': {
      const these = `${warning.denials} ${warning.denials === 1 ? 'denial' : 'denials'} of ${programList(warning.programs)}`;
      const why = `nothing in the input ties ${warning.denials === 1 ? 'it' : 'them'} to ${warning.unit} (no systemd exit or coredump entry names it, and its ExecStart= runs none of ${warning.denials === 1 ? 'its program' : 'their programs'})`;
      if (warning.taken === null) return `left out ${these}: ${why}; give --exe PROGRAM for the unit's program, or --all-programs to take every denial`;
      return `took ${these} because of ${warning.taken === 'exe' ? '--exe' : '--all-programs'}, though ${why}`;
    }
    case 'not-written':
      return `not written (${warning.failure}): the drop-in below is for putting in place at ${warning.path} by hand`;
    case 'confirmation-unreadable':
      return `could not read for confirmation: ${warning.failure}`;
    default:
      return describeUnitWarning(warning);
  }
}
