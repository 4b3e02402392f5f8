import type { Finding } from './attribution.js';
import { compareVersions, systemdKnowsSyscall, type SystemdGroups } from './syscall-groups.js';
import { errorNumber, filterVerdict, replaySyscallFilter } from './syscall-filter.js';
import { loadedFilterAllows, type LoadedUnitState } from './systemctl-show.js';
import { execAssignments, type UnitConfiguration } from './unit-configuration.js';
import type { UnitAssignment } from './unit-file.js';

/** The first systemd whose allow lists answer calls outside `@known` with ENOSYS. */
const ENOSYS_OUTSIDE_KNOWN_SINCE = '255';

function lastAssignment(assignments: UnitAssignment[], key: string): UnitAssignment | null {
  return assignments.filter((assignment) => assignment.key === key).at(-1) ?? null;
}

/**
 * What the user should know beyond the findings (docs/systemd-model.md):
 * denials that leave no record, names systemd cannot allow, and a loaded configuration that
 * is not the one on disk or disagrees with the replay.
 */
export function unitWarnings(configuration: UnitConfiguration, groups: SystemdGroups, findings: Finding[], loaded: LoadedUnitState | null): string[] {
  const assignments = execAssignments(configuration);
  const replay = replaySyscallFilter(assignments, groups, groups.version);
  const warnings = [...replay.warnings];
  const unit = configuration.unit;

  const errno = errorNumber(assignments);
  const errnoLine = lastAssignment(assignments, 'SystemCallErrorNumber');
  if (errno !== null && errnoLine !== null && replay.mode !== 'unset') {
    warnings.push(`${errnoLine.path}:${errnoLine.line} SystemCallErrorNumber=${errno}: calls this unit's SystemCallFilter= denies fail with ${errno} and leave no audit record unless PID 1 runs with SYSTEMD_LOG_SECCOMP=1; for one test run, a drop-in with SystemCallErrorNumber=kill makes every denial a logged kill`);
  } else if (findings.some((finding) => finding.cause === 'errno-candidates')) {
    warnings.push('errno denials are logged only when PID 1 runs with SYSTEMD_LOG_SECCOMP=1: others of this unit may have left no record');
  }

  if (replay.mode === 'allow' && groups.version !== null && compareVersions(groups.version, ENOSYS_OUTSIDE_KNOWN_SINCE) >= 0) {
    warnings.push(`systemd ${groups.version} answers calls outside @known (newer than it, or unknown to its libseccomp) with ENOSYS under this allow list, silently: a program that fails without a denial here may be hitting that`);
  }

  const unnameable = new Set<string>();
  for (const finding of findings) {
    const name = finding.summary.syscall;
    const blockedByFilter = finding.cause === 'SystemCallFilter' || (finding.cause === 'errno-candidates' && name !== null && !filterVerdict(replay, name).allowed);
    if (blockedByFilter && finding.allow === null && name !== null && !systemdKnowsSyscall(groups, name) && !unnameable.has(name)) {
      unnameable.add(name);
      warnings.push(`${name} is unknown to ${groups.source}: SystemCallFilter=${name} would be ignored ("System call ${name} is not known, ignoring." in the unit's log), so the drop-in leaves it out; it needs a newer systemd and libseccomp`);
    }
  }
  const unnamedAbis = new Set(findings.filter((finding) => finding.cause === 'unnamed-architecture').map((finding) => finding.summary.abi ?? '?'));
  for (const abi of unnamedAbis) {
    warnings.push(`${abi} has no SystemCallArchitectures= name in systemd, so the drop-in cannot admit its calls and leaves them out`);
  }

  if (loaded?.needDaemonReload) {
    warnings.push(`${unit}'s files changed since the last daemon-reload: systemd still runs the old configuration (systemctl daemon-reload)`);
  }
  if (loaded) {
    const disagreeing = findings.filter((finding) => finding.cause === 'SystemCallFilter' && finding.allow !== null && loadedFilterAllows(loaded, finding.allow));
    for (const finding of disagreeing) {
      warnings.push(`systemctl show says ${unit}'s loaded filter allows ${finding.allow ?? ''}: the process that was denied ran an older configuration (restart ${unit}), or the replay differs from this systemd`);
    }
  }
  return warnings;
}
