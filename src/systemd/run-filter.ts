import { SESSION_MARKER_CALL, type DenialSummary } from '../analysis/index.js';
import type { SeccompAction } from '../decode/index.js';
import type { SystemdGroups } from './syscall-groups.js';
import { errorNumber, filterVerdict, replaySyscallFilter } from './syscall-filter.js';
import { execAssignments, type UnitConfiguration } from './unit-configuration.js';
import type { UnitAssignment } from './unit-file.js';


/** One `-p KEY=VALUE` of the transient service, in the order given. */
export interface TransientProperty {
  key: string;
  value: string;
}

/** What `run` asks of the filter: log what it would deny, or enforce it (with another errno, or kill). */
export type RunMode = { code: 'log' } | { code: 'enforce'; errno: string | null | 'kill' };

/** The name `--filter` and `--architectures` values are listed under in findings (`--filter:2`). */
export const FILTER_OPTION_SOURCE = '--filter';
export const ARCHITECTURES_OPTION_SOURCE = '--architectures';

/**
 * A unit's seccomp settings made of `--filter SPEC` and `--architectures LIST` values, in the
 * order given, merged by systemd's rules as if each were one line of a unit file.
 */
export function filterOptionsConfiguration(unit: string, filters: string[], architectures: string[]): UnitConfiguration {
  const assignment = (key: string, path: string) => (value: string, index: number): UnitAssignment => ({ section: 'Service', key, value: value.trim(), path, line: index + 1 });
  return {
    unit,
    files: [{
      path: FILTER_OPTION_SOURCE,
      assignments: [
        ...architectures.map(assignment('SystemCallArchitectures', ARCHITECTURES_OPTION_SOURCE)),
        ...filters.map(assignment('SystemCallFilter', FILTER_OPTION_SOURCE)),
      ],
    }],
  };
}

function assignmentsOf(configuration: UnitConfiguration, key: string): TransientProperty[] {
  return execAssignments(configuration).filter((assignment) => assignment.key === key).map(({ value }) => ({ key, value }));
}

/**
 * The transient service's seccomp properties for a run (docs/run.md). Log mode: no
 * SystemCallFilter=, and SystemCallLog= the calls the replayed filter would deny (`~` and the
 * calls it allows, for an allow list), with the same SystemCallArchitectures=: the kernel takes
 * the most severe action of all filters, so a denying filter would hide what is logged. Enforce
 * mode: the unit's own lines, and SystemCallErrorNumber= as asked. Either way the session
 * marker is logged.
 */
export function runProperties(configuration: UnitConfiguration, groups: SystemdGroups, mode: RunMode): TransientProperty[] {
  const properties = assignmentsOf(configuration, 'SystemCallArchitectures');
  if (mode.code === 'enforce') {
    properties.push(...assignmentsOf(configuration, 'SystemCallFilter'));
    if (mode.errno === null) properties.push(...assignmentsOf(configuration, 'SystemCallErrorNumber'));
    else properties.push({ key: 'SystemCallErrorNumber', value: mode.errno === 'kill' ? '' : mode.errno });
    properties.push({ key: 'SystemCallLog', value: SESSION_MARKER_CALL });
    return properties;
  }
  properties.push({ key: 'SystemCallLog', value: systemCallLogValue(configuration, groups, [SESSION_MARKER_CALL]) });
  return properties;
}

/**
 * `SystemCallLog=` for the calls the replayed filter denies: `~` and the calls an allow list
 * allows, or the calls a deny list denies; `alsoLogged` are logged whatever the filter says.
 * Each call is named, so that the groups are those of the chosen systemd, not the host's.
 * Empty when nothing would be logged.
 */
export function systemCallLogValue(configuration: UnitConfiguration, groups: SystemdGroups, alsoLogged: string[]): string {
  const replay = replaySyscallFilter(execAssignments(configuration), groups, groups.version);
  if (replay.mode === 'allow') {
    const allowed = [...replay.entries].filter(([name, entry]) => entry.action.kind === 'plain' && !alsoLogged.includes(name)).map(([name]) => name);
    return `~${allowed.sort().join(' ')}`;
  }
  const denied = replay.mode === 'deny' ? [...replay.entries.keys()] : [];
  return [...new Set([...denied, ...alsoLogged])].sort().join(' ');
}

/**
 * What the filter would have done to a call a run logged: null when it allows the call (the
 * session marker, or any call the filter lets through), else the action it would take. Records
 * that were not logged (a kill under SystemCallArchitectures=, an enforced denial) keep theirs.
 */
export function wouldBeAction(summary: DenialSummary, configuration: UnitConfiguration, groups: SystemdGroups): SeccompAction | null {
  if (summary.action !== 'log') return summary.action;
  if (summary.syscall === null) return 'kill_process';
  const assignments = execAssignments(configuration);
  const verdict = filterVerdict(replaySyscallFilter(assignments, groups, groups.version), summary.syscall);
  if (verdict.allowed) return null;
  if (verdict.action.kind === 'errno') return 'errno';
  if (verdict.action.kind === 'kill') return 'kill_process';
  return errorNumber(assignments) === null ? 'kill_process' : 'errno';
}

/** The calls a run shows outside the filter, each as the denial it would have been. */
export function wouldBeDenials(summaries: DenialSummary[], configuration: UnitConfiguration, groups: SystemdGroups): DenialSummary[] {
  const denials: DenialSummary[] = [];
  for (const summary of summaries) {
    const action = wouldBeAction(summary, configuration, groups);
    if (action !== null) denials.push(action === summary.action ? summary : { ...summary, action });
  }
  return denials;
}
