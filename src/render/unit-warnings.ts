import type { UnitWarning } from '../systemd/index.js';
import { describeGroupTableSource } from './group-table-source.js';

/** A unit warning in words (the `warning:` lines of suggest, and `warnings` in its JSON). */
export function describeUnitWarning(warning: UnitWarning): string {
  switch (warning.code) {
    case 'unknown-syscall-ignored':
      return `system call ${warning.syscall} is not known to ${describeGroupTableSource(warning.groupsSource)}: systemd ignores it`;
    case 'unknown-group-ignored':
      return `unknown system call group ${warning.group} (not in the table of ${describeGroupTableSource(warning.groupsSource)}): systemd ignores it`;
    case 'errno-on-allowed-call':
      return `${warning.source.path}:${warning.source.line}: ${warning.word}: an allowed call cannot take an errno; systemd ignores it`;
    case 'errno-unlogged':
      return `${warning.source.path}:${warning.source.line} SystemCallErrorNumber=${warning.errno}: calls this unit's SystemCallFilter= denies fail with ${warning.errno} and leave no audit record unless PID 1 runs with SYSTEMD_LOG_SECCOMP=1; for one test run, a drop-in with SystemCallErrorNumber=kill makes every denial a logged kill`;
    case 'errno-may-be-unlogged':
      return 'errno denials are logged only when PID 1 runs with SYSTEMD_LOG_SECCOMP=1: others of this unit may have left no record';
    case 'enosys-outside-known':
      return `systemd ${warning.version} answers calls outside @known (newer than it, or unknown to its libseccomp) with ENOSYS under this allow list, silently: a program that fails without a denial here may be hitting that`;
    case 'unknown-to-systemd':
      return `${warning.syscall} is unknown to ${describeGroupTableSource(warning.groupsSource)}: SystemCallFilter=${warning.syscall} would be ignored ("System call ${warning.syscall} is not known, ignoring." in the unit's log), so the drop-in leaves it out; it needs a newer systemd and libseccomp`;
    case 'unnamed-architecture':
      return `${warning.abi ?? '?'} has no SystemCallArchitectures= name in systemd, so the drop-in cannot admit its calls and leaves them out`;
    case 'needs-daemon-reload':
      return `${warning.unit}'s files changed since the last daemon-reload: systemd still runs the old configuration (systemctl daemon-reload)`;
    case 'loaded-filter-differs':
      return `systemctl show says ${warning.unit}'s loaded filter allows ${warning.allow}: the process that was denied ran an older configuration (restart ${warning.unit}), or the replay differs from this systemd`;
  }
}
