import type { Finding } from './attribution.js';
import { compareVersions, systemdKnowsSyscall, type GroupTableSource, type SystemdGroups } from './syscall-groups.js';
import {
  errorNumber, filterVerdict, replaySyscallFilter, sourceLine, type FilterReplayWarning, type SourceLine,
} from './syscall-filter.js';
import { loadedFilterAllows, type LoadedUnitState } from './systemctl-show.js';
import { execAssignments, type UnitConfiguration } from './unit-configuration.js';
import type { UnitAssignment } from './unit-file.js';

/** The first systemd whose allow lists answer calls outside `@known` with ENOSYS. */
const ENOSYS_OUTSIDE_KNOWN_SINCE = '255';

/**
 * What the user should know about a unit beyond the findings. Data only;
 * `src/render/unit-warnings.ts` words them. Part of `suggest --json` (`warning_codes`).
 */
export type UnitWarning =
  | FilterReplayWarning
  /** SystemCallErrorNumber= makes the filter's denials fail with `errno`, unlogged. */
  | { code: 'errno-unlogged'; source: SourceLine; errno: string }
  /** An errno denial was found: others may have left no record. */
  | { code: 'errno-may-be-unlogged' }
  /** systemd `version` (255+) answers calls outside @known with ENOSYS under an allow list. */
  | { code: 'enosys-outside-known'; version: string }
  /** A denied call that no table of this systemd names: a drop-in cannot allow it. */
  | { code: 'unknown-to-systemd'; syscall: string; groupsSource: GroupTableSource }
  /** An ABI that SystemCallArchitectures= has no name for: a drop-in cannot admit it. */
  | { code: 'unnamed-architecture'; abi: string | null }
  /** The unit's files changed since the last daemon-reload. */
  | { code: 'needs-daemon-reload'; unit: string }
  /** `systemctl show` says the loaded filter allows a call the replay says was denied. */
  | { code: 'loaded-filter-differs'; unit: string; allow: string };

function lastAssignment(assignments: UnitAssignment[], key: string): UnitAssignment | null {
  return assignments.filter((assignment) => assignment.key === key).at(-1) ?? null;
}

/**
 * What the user should know beyond the findings (docs/systemd-model.md):
 * denials that leave no record, names systemd cannot allow, and a loaded configuration that
 * is not the one on disk or disagrees with the replay.
 */
export function unitWarnings(configuration: UnitConfiguration, groups: SystemdGroups, findings: Finding[], loaded: LoadedUnitState | null): UnitWarning[] {
  const assignments = execAssignments(configuration);
  const replay = replaySyscallFilter(assignments, groups, groups.version);
  const warnings: UnitWarning[] = [...replay.warnings];
  const unit = configuration.unit;

  const errno = errorNumber(assignments);
  const errnoLine = lastAssignment(assignments, 'SystemCallErrorNumber');
  if (errno !== null && errnoLine !== null && replay.mode !== 'unset') {
    warnings.push({ code: 'errno-unlogged', source: sourceLine(errnoLine), errno });
  } else if (findings.some((finding) => finding.cause === 'errno-candidates')) {
    warnings.push({ code: 'errno-may-be-unlogged' });
  }

  if (replay.mode === 'allow' && groups.version !== null && compareVersions(groups.version, ENOSYS_OUTSIDE_KNOWN_SINCE) >= 0) {
    warnings.push({ code: 'enosys-outside-known', version: groups.version });
  }

  const unnameable = new Set<string>();
  for (const finding of findings) {
    const name = finding.summary.syscall;
    const blockedByFilter = finding.cause === 'SystemCallFilter' || (finding.cause === 'errno-candidates' && name !== null && !filterVerdict(replay, name).allowed);
    if (blockedByFilter && finding.allow === null && name !== null && !systemdKnowsSyscall(groups, name) && !unnameable.has(name)) {
      unnameable.add(name);
      warnings.push({ code: 'unknown-to-systemd', syscall: name, groupsSource: groups.source });
    }
  }
  const unnamedAbis = new Set(findings.filter((finding) => finding.cause === 'unnamed-architecture').map((finding) => finding.summary.abi));
  for (const abi of unnamedAbis) {
    warnings.push({ code: 'unnamed-architecture', abi });
  }

  if (loaded?.needDaemonReload) {
    warnings.push({ code: 'needs-daemon-reload', unit });
  }
  if (loaded) {
    for (const finding of findings) {
      if (finding.cause === 'SystemCallFilter' && finding.allow !== null && loadedFilterAllows(loaded, finding.allow)) {
        warnings.push({ code: 'loaded-filter-differs', unit, allow: finding.allow });
      }
    }
  }
  return warnings;
}
