import type { Finding } from '../systemd/index.js';
import { describeGroupTableSource } from './group-table-source.js';

function withDefaultErrno(text: string, defaultErrno: string | null): string {
  return `${text}${defaultErrno ? `; the default action is errno ${defaultErrno}` : ''}`;
}

/**
 * Why a finding is what it is, in words: the line under the denial, and `explanation` in both
 * JSON forms. Not escaped for a terminal.
 */
export function explainFinding(finding: Finding): string {
  const reason = finding.reason;
  switch (reason.code) {
    case 'allowed-since':
      return `${reason.dropIn} allows it now; the denial came before that drop-in was in force (restart ${reason.unit} if it has not been restarted since)`;
    case 'logged':
      return 'the call was allowed and logged (SystemCallLog= or a logging filter): nothing to fix';
    case 'architecture-not-admitted':
    case 'unnamed-architecture': {
      const notAdmitted = `${reason.abi} calls are not admitted: ${finding.source ?? '?'} ${finding.directive ?? ''} admits ${reason.admitted.join(' ')}`;
      return reason.code === 'architecture-not-admitted'
        ? notAdmitted
        : `${notAdmitted}; systemd has no SystemCallArchitectures= name for ${reason.abi}, so no drop-in can admit it`;
    }
    case 'unknown-syscall':
      return `no ${reason.abi ?? 'known'} syscall table has number ${reason.nr ?? '?'}: there is no name a drop-in could allow`;
    case 'errno-candidates': {
      if (reason.candidates.length === 0) {
        return 'an errno denial, but none of this unit\'s settings returns an errno for this call: not from this unit\'s systemd settings';
      }
      const unnameable = reason.unnameableIn === null
        ? ''
        : `; ${reason.syscall} is in no table of ${describeGroupTableSource(reason.unnameableIn)}: that systemd cannot allow it by name`;
      return `an errno denial (the record does not say which errno); candidates: ${reason.candidates.join(', ')}${unnameable}`;
    }
    case 'not-this-unit':
      return `this unit's settings allow ${reason.syscall}: not from this unit's systemd settings (the program's own filter, a container runtime…)`;
    case 'unnameable':
      return `${reason.syscall} is in no table of ${describeGroupTableSource(reason.groupsSource)}: that systemd and the libseccomp of its day cannot allow it by name; a newer systemd and libseccomp, or no filter, can`;
    case 'never-allowed': {
      const where = reason.listStartedAt === null ? '?' : `${reason.listStartedAt.path}:${reason.listStartedAt.line}`;
      return withDefaultErrno(`the allow list begun at ${where} never includes ${reason.syscall}`, reason.defaultErrno);
    }
    case 'removed-from-allow-list':
      return withDefaultErrno(`${reason.syscall} was allowed, then removed from the allow list${reason.implicit ? ` (${reason.implicit})` : ''}`, reason.defaultErrno);
    case 'on-deny-list': {
      const action = reason.action.kind === 'plain' ? '' : ` with action ${reason.action.kind === 'kill' ? 'kill' : reason.action.errno}`;
      return withDefaultErrno(`${reason.syscall} is on the deny list${action}`, reason.defaultErrno);
    }
  }
}
