import type { DenialSummary } from '../analysis/index.js';
import type { AbiRegistry } from '../decode/index.js';
import { admittedAbis, systemdArchitectureOfAbi } from './architecture-names.js';
import { systemdKnowsSyscall, type GroupTableSource, type SystemdGroups } from './syscall-groups.js';
import {
  errorNumber, filterVerdict, replayArchitectures, replaySyscallFilter, sourceLine, type EntryAction, type SourceLine,
} from './syscall-filter.js';
import { ownDropIn, withoutFile } from './own-drop-in.js';
import { execAssignments, type UnitConfiguration } from './unit-configuration.js';
import type { UnitAssignment } from './unit-file.js';

/** Which setting a denial came from. Part of the `suggest --json` interface. */
export type FindingCause =
  | 'SystemCallFilter'
  | 'SystemCallArchitectures'
  /** SystemCallArchitectures= does not admit the ABI, and systemd has no name to admit it with (alpha…): no drop-in can. */
  | 'unnamed-architecture'
  /** An errno denial: the record does not say which errno, so every directive that can return one is listed. */
  | 'errno-candidates'
  /** `log`: the call was allowed and logged (SystemCallLog=); nothing to fix. */
  | 'logged'
  /** The unit's settings allow the call: the program's own filter, a container runtime… */
  | 'not-this-unit'
  /** Allowed by seccomp-explain's own earlier drop-in: the denial happened before it was in force. */
  | 'allowed-since'
  /** No table knows the number: no name to allow. */
  | 'unknown-syscall';

/**
 * Why a finding is what it is, with the data its explanation needs beside the finding's own
 * fields. Data only; `src/render/finding-reasons.ts` words it (`explanation` in both JSON
 * forms). Part of `suggest --json` and `explain --json` (`explanation_code`).
 */
export type FindingReason =
  /** seccomp-explain's own drop-in `dropIn` allows the call now; the denial came before it. */
  | { code: 'allowed-since'; dropIn: string; unit: string }
  /** `log` or `allow`: the call ran and was logged. */
  | { code: 'logged' }
  /** SystemCallArchitectures= (at the finding's source) admits only `admitted`, not `abi`. */
  | { code: 'architecture-not-admitted'; abi: string; admitted: string[] }
  /** As architecture-not-admitted, and systemd has no name for `abi`. */
  | { code: 'unnamed-architecture'; abi: string; admitted: string[] }
  /** No table of `abi` (null: none known) has number `nr`. */
  | { code: 'unknown-syscall'; abi: string | null; nr: number | null }
  /**
   * An errno denial: every directive that could have returned it (empty: none of the unit's);
   * `unnameableIn` when the call is denied and this group table does not name it.
   */
  | { code: 'errno-candidates'; syscall: string; candidates: string[]; unnameableIn: GroupTableSource | null }
  /** The unit's settings allow the call. */
  | { code: 'not-this-unit'; syscall: string }
  /** SystemCallFilter= denies a call no table of this systemd names. */
  | { code: 'unnameable'; syscall: string; groupsSource: GroupTableSource }
  /** An allow list (begun at `listStartedAt`) never included the call; `defaultErrno`: SystemCallErrorNumber=. */
  | { code: 'never-allowed'; syscall: string; listStartedAt: SourceLine | null; defaultErrno: string | null }
  /** The call was allowed, then removed from the allow list (`implicit`: by what systemd adds itself). */
  | { code: 'removed-from-allow-list'; syscall: string; implicit: string | null; defaultErrno: string | null }
  /** The call is on the deny list, with its own action when not the list's. */
  | { code: 'on-deny-list'; syscall: string; action: EntryAction; defaultErrno: string | null };

export interface Finding {
  summary: DenialSummary;
  cause: FindingCause;
  /** The assignment that blocked the call, as written. */
  directive: string | null;
  /** `path:line` of that assignment. */
  source: string | null;
  /** The group the call was blocked through, when it was not named itself. */
  via: string | null;
  /** What to allow: a syscall name, or an architecture for SystemCallArchitectures. */
  allow: string | null;
  reason: FindingReason;
}

export interface AttributionContext {
  configuration: UnitConfiguration;
  groups: SystemdGroups;
  tables: AbiRegistry;
  /** The ABI the unit's host runs natively (what `native` means). */
  nativeAbi: string;
}

function where(assignment: UnitAssignment): string {
  return `${assignment.path}:${assignment.line}`;
}

function written(assignment: UnitAssignment): string {
  return `${assignment.key}=${assignment.value}`;
}

/** Directives whose seccomp filters return an errno, and the calls they can stop (systemd.exec(5), each directive). */
const ERRNO_DIRECTIVES: readonly { directive: string; calls: readonly string[] }[] = [
  { directive: 'RestrictAddressFamilies=', calls: ['socket'] },
  { directive: 'RestrictNamespaces=', calls: ['unshare', 'clone', 'clone3', 'setns'] },
  { directive: 'LockPersonality=', calls: ['personality'] },
  { directive: 'MemoryDenyWriteExecute=', calls: ['mmap', 'mmap2', 'mprotect', 'pkey_mprotect', 'shmat'] },
  { directive: 'RestrictRealtime=', calls: ['sched_setscheduler'] },
  { directive: 'RestrictSUIDSGID=', calls: ['chmod', 'fchmod', 'fchmodat', 'fchmodat2', 'mkdir', 'mkdirat', 'mknod', 'mknodat', 'open', 'openat', 'openat2', 'creat'] },
  { directive: 'ProtectKernelTunables=', calls: ['_sysctl'] },
  { directive: 'ProtectKernelModules=', calls: ['delete_module', 'finit_module', 'init_module'] },
  { directive: 'ProtectKernelLogs=', calls: ['syslog'] },
  { directive: 'ProtectClock=', calls: ['adjtimex', 'clock_adjtime', 'clock_adjtime64', 'clock_settime', 'clock_settime64', 'settimeofday'] },
  { directive: 'PrivateDevices=', calls: ['ioperm', 'iopl', 'pciconfig_iobase', 'pciconfig_read', 'pciconfig_write', 's390_pci_mmio_read', 's390_pci_mmio_write'] },
  { directive: 'ProtectHostname=', calls: ['sethostname', 'setdomainname'] },
];

function setDirectives(assignments: UnitAssignment[]): Map<string, UnitAssignment> {
  const last = new Map<string, UnitAssignment>();
  for (const assignment of assignments) last.set(`${assignment.key}=`, assignment);
  return last;
}

/**
 * Says which of the unit's settings produced a denial (docs/systemd-model.md):
 * kill_thread on an ABI the unit does not admit is SystemCallArchitectures=; a kill the
 * replayed SystemCallFilter= denies is that filter, through the line and group that took the
 * call away; an errno lists every directive that could have returned it; a call the unit
 * allows came from elsewhere.
 */
export function attributeDenial(summary: DenialSummary, context: AttributionContext): Finding {
  const finding = attributeToSettings(summary, context);
  const earlier = ownDropIn(context.configuration);
  if (finding.cause !== 'not-this-unit' || earlier === null) return finding;
  const before = attributeToSettings(summary, { ...context, configuration: withoutFile(context.configuration, earlier) });
  if (before.cause !== 'SystemCallFilter' && before.cause !== 'SystemCallArchitectures') return finding;
  return {
    ...finding,
    cause: 'allowed-since',
    reason: { code: 'allowed-since', dropIn: earlier.path, unit: context.configuration.unit },
  };
}

function attributeToSettings(summary: DenialSummary, context: AttributionContext): Finding {
  const assignments = execAssignments(context.configuration);
  const base = { summary, directive: null, source: null, via: null, allow: null };
  if (summary.action === 'log' || summary.action === 'allow') {
    return { ...base, cause: 'logged', reason: { code: 'logged' } };
  }
  const abi = summary.abi;
  const { architectures, assignments: archAssignments } = replayArchitectures(assignments);
  if (abi !== null && archAssignments.length > 0 && !admittedAbis(architectures, context.nativeAbi).has(abi)) {
    const last = archAssignments[archAssignments.length - 1] as UnitAssignment;
    const name = systemdArchitectureOfAbi(abi);
    const admitted = [...architectures];
    if (name === null) {
      return {
        ...base, cause: 'unnamed-architecture', directive: written(last), source: where(last),
        reason: { code: 'unnamed-architecture', abi, admitted },
      };
    }
    return {
      ...base, cause: 'SystemCallArchitectures', directive: written(last), source: where(last), allow: name,
      reason: { code: 'architecture-not-admitted', abi, admitted },
    };
  }
  if (summary.syscall === null) {
    return { ...base, cause: 'unknown-syscall', reason: { code: 'unknown-syscall', abi, nr: summary.nr } };
  }
  const replay = replaySyscallFilter(assignments, context.groups, context.groups.version);
  const verdict = filterVerdict(replay, summary.syscall);
  if (summary.action === 'errno') {
    const candidates = ERRNO_DIRECTIVES.filter((entry) => entry.calls.includes(summary.syscall as string) && setDirectives(assignments).has(entry.directive))
      .map((entry) => entry.directive);
    if (!verdict.allowed) candidates.unshift('SystemCallFilter=');
    const nameable = systemdKnowsSyscall(context.groups, summary.syscall);
    return {
      ...base, cause: 'errno-candidates', allow: verdict.allowed || !nameable ? null : summary.syscall,
      reason: { code: 'errno-candidates', syscall: summary.syscall, candidates, unnameableIn: !verdict.allowed && !nameable ? context.groups.source : null },
    };
  }
  if (verdict.allowed) {
    return { ...base, cause: 'not-this-unit', reason: { code: 'not-this-unit', syscall: summary.syscall } };
  }
  if (!systemdKnowsSyscall(context.groups, summary.syscall)) {
    return {
      ...base, cause: 'SystemCallFilter', directive: replay.modeSetBy ? written(replay.modeSetBy) : null,
      source: replay.modeSetBy ? where(replay.modeSetBy) : null,
      reason: { code: 'unnameable', syscall: summary.syscall, groupsSource: context.groups.source },
    };
  }
  const errno = errorNumber(assignments);
  const change = verdict.change ?? (replay.modeSetBy ? { assignment: replay.modeSetBy, via: null, implicit: null } : null);
  const syscall = summary.syscall;
  const reason: FindingReason = verdict.why === 'not-listed' && verdict.change === null
    ? { code: 'never-allowed', syscall, listStartedAt: change ? sourceLine(change.assignment) : null, defaultErrno: errno }
    : verdict.why === 'not-listed'
      ? { code: 'removed-from-allow-list', syscall, implicit: change?.implicit ?? null, defaultErrno: errno }
      : { code: 'on-deny-list', syscall, action: verdict.action, defaultErrno: errno };
  return {
    ...base,
    cause: 'SystemCallFilter',
    directive: change ? written(change.assignment) : null,
    source: change ? where(change.assignment) : null,
    via: change?.via ?? null,
    allow: summary.syscall,
    reason,
  };
}
