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
  /** A source to confirm lines against could not be read (`failure` as the reader said it). */
  | { code: 'confirmation-unreadable'; failure: string };

/** A suggest warning in words (the `warning:` lines, and `warnings` in `suggest --json`). */
export function describeSuggestWarning(warning: SuggestWarning): string {
  switch (warning.code) {
    case 'impossible-senders':
      return `left out ${warning.lines} ${warning.lines === 1 ? 'line' : 'lines'} logged under a name that the kernel, auditd and PID 1 never log under (${warning.senders.join(', ')})`;
    case 'overflow':
      return `only the first ${warning.listed} distinct denials are attributed; ${warning.overflow} more were counted, not attributed${warning.writing ? ' nor written' : ''}: narrow the input with --exe`;
    case 'other-programs-left-out':
      return `left out ${warning.denials} ${warning.denials === 1 ? 'denial' : 'denials'} of other programs (${warning.programs.map((program) => program ?? 'unknown program').join(', ')}): give --unit and --exe for those`;
    case 'confirmation-unreadable':
      return `could not read for confirmation: ${warning.failure}`;
    default:
      return describeUnitWarning(warning);
  }
}
