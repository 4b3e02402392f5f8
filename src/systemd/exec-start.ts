import { execAssignments, type UnitConfiguration } from './unit-configuration.js';
import type { UnitAssignment } from './unit-file.js';

/** The program of an `ExecStart=` value: its first word, quoted or not, without the `@-:+!|` prefixes. */
export function programOf(value: string): string | null {
  const word = /^[@\-:+!|]*("([^"]+)"|'([^']+)'|(\S+))/.exec(value);
  return word ? (word[2] ?? word[3] ?? word[4] ?? null) : null;
}

/**
 * The unit's `ExecStart=` commands in force: every assignment after the last empty one (which
 * resets the list, systemd.service(5)), each with its program; a value with no program is left out.
 */
export function execStartPrograms(configuration: UnitConfiguration): { program: string; assignment: UnitAssignment }[] {
  const assignments = execAssignments(configuration).filter((assignment) => assignment.key === 'ExecStart');
  const lastReset = assignments.map((assignment) => assignment.value).lastIndexOf('');
  return assignments.slice(lastReset + 1).flatMap((assignment) => {
    const program = programOf(assignment.value);
    return program === null ? [] : [{ program, assignment }];
  });
}

/** Where systemd looks for an `ExecStart=` program given without a path (systemd.service(5), "Command lines"). */
export const PROGRAM_SEARCH_PATH: readonly string[] = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Where an `ExecStart=` program may be: its path, or a bare name in each directory systemd searches, in order. */
export function programCandidates(program: string): string[] {
  return program.startsWith('/') ? [program] : PROGRAM_SEARCH_PATH.map((directory) => `${directory}/${program}`);
}
