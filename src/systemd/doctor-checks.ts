import type { SystemdGroups } from './syscall-groups.js';
import { errorNumber, replaySyscallFilter, sourceLine, type SourceLine } from './syscall-filter.js';
import type { LoadedUnitState } from './systemctl-show.js';
import { execAssignments, type UnitConfiguration } from './unit-configuration.js';
import type { UnitAssignment } from './unit-file.js';

/** The audit record type of a seccomp record (AUDIT_SECCOMP). */
export const SECCOMP_RECORD_TYPE = 1326;

/** Where the kernel's build configuration was read, and whether it has audit. */
export type KernelAuditSupport =
  | { code: 'config'; source: string; audit: boolean; auditSyscall: boolean }
  /** No configuration to read, but `/proc/self/loginuid` exists: the kernel has CONFIG_AUDIT. */
  | { code: 'loginuid' }
  | { code: 'unknown' };

/** What `auditctl -l` gave. */
export type AuditRuleListing =
  | { code: 'listed'; rules: string[] }
  | { code: 'no-auditctl' }
  /** auditctl is installed but could not list the rules (not root, in a container…). */
  | { code: 'not-read'; message: string };

/** What `auditctl -s` says, each null when it was not said. */
export interface AuditStatus {
  enabled: number | null;
  lost: number | null;
  backlogLimit: number | null;
  rateLimit: number | null;
}

/** The kernel's lines of this boot that say audit records were dropped. */
export interface KernelLogLoss {
  source: 'journal' | 'dmesg';
  /** Sum of N over `kauditd_printk_skb: N callbacks suppressed`. */
  suppressed: number;
  /** `audit: audit_lost=…`, `backlog limit exceeded`, `rate limit exceeded`, `hold queue overflow`: the first few. */
  lostLines: string[];
  lostLineCount: number;
}

/** The facts of this host `doctor` checks, gathered by `src/app/doctor.ts`: plain data, no I/O. */
export interface HostFacts {
  /** `kernel.seccomp.actions_logged`; null when it cannot be read (a kernel before 4.14). */
  actionsLogged: string[] | null;
  /** `kernel.seccomp.actions_avail`; null when it cannot be read. */
  actionsAvailable: string[] | null;
  /** `/proc/cmdline`; null when it cannot be read. */
  kernelCommandLine: string | null;
  /** PID 1's command name (`/proc/1/comm`). */
  pid1Name: string | null;
  /** Whether PID 1's environment turns on SYSTEMD_LOG_SECCOMP; null when it cannot be read. */
  pid1LogsSeccomp: boolean | null;
  kernelAudit: KernelAuditSupport;
  auditRules: AuditRuleListing;
  /** null when auditctl is missing or could not say. */
  auditStatus: AuditStatus | null;
  auditdRuns: boolean;
  /** `systemctl is-active systemd-journald-audit.socket`; null where PID 1 is not systemd. */
  journaldAuditSocket: 'active' | 'inactive' | null;
  /** The container manager (`systemd-detect-virt --container`), or null on a host. */
  container: string | null;
  /** null when neither the journal nor dmesg could be read. */
  kernelLog: KernelLogLoss | null;
}

/** The unit `doctor` was asked about. */
export interface DoctorUnit {
  configuration: UnitConfiguration;
  /** What PID 1 has loaded, when the unit was read from this live host. */
  loaded: LoadedUnitState | null;
}

export type DoctorStatus = 'ok' | 'warn' | 'fail';

/** A seccomp setting of a unit, where it was written. */
export interface UnitSeccompSetting {
  key: string;
  value: string;
  source: SourceLine;
}

/** A unit setting whose seccomp filter answers calls with an errno, which the kernel does not log unless asked to. */
export interface ErrnoSetting extends UnitSeccompSetting {
  errno: string;
}

/**
 * One check of `doctor` (docs/doctor.md): an id, a status, and the data it was decided on.
 * `src/render/doctor-output.ts` words them.
 */
export type DoctorCheck =
  | { id: 'pid1'; status: DoctorStatus; name: string | null }
  | { id: 'container'; status: DoctorStatus; container: string | null }
  | { id: 'actions-logged'; status: DoctorStatus; logged: string[] | null; needed: string[]; missing: string[]; missingNeeded: string[] }
  | { id: 'errno-logging'; status: DoctorStatus; logSeccomp: boolean | null; unit: string | null; errnoSettings: ErrnoSetting[] }
  | { id: 'audit-boot'; status: DoctorStatus; parameter: string | null }
  | { id: 'audit-kernel'; status: DoctorStatus; support: KernelAuditSupport }
  | { id: 'audit-rules'; status: DoctorStatus; listing: AuditRuleListing['code']; dropAll: string[]; dropSome: string[]; message: string | null }
  | { id: 'record-destination'; status: DoctorStatus; destination: 'auditd' | 'journald-audit' | 'kernel-log'; journaldAuditSocket: 'active' | 'inactive' | null }
  | { id: 'record-loss'; status: DoctorStatus; auditStatus: AuditStatus | null; kernelLog: KernelLogLoss | null; printkOnly: boolean }
  | { id: 'unit-settings'; status: DoctorStatus; unit: string; settings: UnitSeccompSetting[] }
  | { id: 'unit-unsandboxed-commands'; status: DoctorStatus; unit: string; commands: UnitSeccompSetting[] }
  | { id: 'unit-reload'; status: DoctorStatus; unit: string; needDaemonReload: boolean };

export type DoctorCheckId = DoctorCheck['id'];

/** The seccomp actions whose logging doctor looks at: the kills systemd's filters use, errno, and SystemCallLog='s log. */
const WATCHED_ACTIONS = ['kill_process', 'kill_thread', 'errno', 'log'] as const;

/** systemd's parse_boolean(). */
function parseBoolean(value: string): boolean | null {
  const word = value.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(word)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(word)) return false;
  return null;
}

/** Whether an environment value turns SYSTEMD_LOG_SECCOMP on (systemd reads it with getenv_bool()). */
export function logSeccompEnabled(value: string | undefined): boolean {
  return value !== undefined && parseBoolean(value) === true;
}

/**
 * Settings other than SystemCallFilter= that systemd implements with a seccomp filter answering
 * with an errno (systemd.exec(5)); each is on unless its last value is empty or false.
 */
const ERRNO_FILTER_SETTINGS: readonly { key: string; errno: string }[] = [
  { key: 'RestrictAddressFamilies', errno: 'EAFNOSUPPORT' },
  { key: 'RestrictNamespaces', errno: 'EPERM' },
  { key: 'MemoryDenyWriteExecute', errno: 'EPERM' },
  { key: 'RestrictRealtime', errno: 'EPERM' },
  { key: 'RestrictSUIDSGID', errno: 'EPERM' },
  { key: 'LockPersonality', errno: 'EPERM' },
  { key: 'ProtectKernelModules', errno: 'EPERM' },
  { key: 'ProtectKernelLogs', errno: 'EPERM' },
  { key: 'ProtectClock', errno: 'EPERM' },
  { key: 'ProtectHostname', errno: 'EPERM' },
  { key: 'PrivateDevices', errno: 'EPERM' },
];

const FILTER_KEYS = new Set(['SystemCallFilter', 'SystemCallErrorNumber', 'SystemCallArchitectures', 'SystemCallLog', ...ERRNO_FILTER_SETTINGS.map(({ key }) => key)]);

const EXEC_KEYS = new Set(['ExecStart', 'ExecStartPre', 'ExecStartPost', 'ExecCondition', 'ExecReload', 'ExecStop', 'ExecStopPost']);

function lastAssignment(assignments: UnitAssignment[], key: string): UnitAssignment | null {
  return assignments.filter((assignment) => assignment.key === key).at(-1) ?? null;
}

function settingOn(assignment: UnitAssignment | null): boolean {
  return assignment !== null && assignment.value !== '' && parseBoolean(assignment.value) !== false;
}

function setting(assignment: UnitAssignment): UnitSeccompSetting {
  return { key: assignment.key, value: assignment.value, source: sourceLine(assignment) };
}

/** The unit's settings that install a seccomp filter, each as last written (a list: every line since the last reset). */
export function unitSeccompSettings(configuration: UnitConfiguration): UnitSeccompSetting[] {
  const assignments = execAssignments(configuration).filter((assignment) => FILTER_KEYS.has(assignment.key));
  const settings: UnitSeccompSetting[] = [];
  for (const key of FILTER_KEYS) {
    const own = assignments.filter((assignment) => assignment.key === key);
    const lastReset = own.map((assignment) => assignment.value).lastIndexOf('');
    const inForce = own.slice(lastReset + 1);
    if (key === 'SystemCallFilter' || key === 'SystemCallArchitectures' || key === 'SystemCallLog' || key === 'RestrictAddressFamilies') {
      settings.push(...inForce.map(setting));
    } else if (settingOn(own.at(-1) ?? null)) {
      settings.push(setting(own.at(-1) as UnitAssignment));
    }
  }
  return settings;
}

/**
 * The unit's settings whose denials are an errno: SystemCallErrorNumber= under a filter,
 * `name:ERRNO` entries, and the settings systemd implements with an errno filter.
 */
export function unitErrnoSettings(configuration: UnitConfiguration, groups: SystemdGroups): ErrnoSetting[] {
  const assignments = execAssignments(configuration);
  const found: ErrnoSetting[] = [];
  const replay = replaySyscallFilter(assignments, groups, groups.version);
  const filtering = replay.mode === 'allow' || (replay.mode === 'deny' && replay.entries.size > 0);
  const errno = errorNumber(assignments);
  if (filtering && errno !== null) {
    const assignment = lastAssignment(assignments, 'SystemCallErrorNumber') as UnitAssignment;
    found.push({ ...setting(assignment), errno });
  }
  if (filtering) {
    const seen = new Set<UnitAssignment>();
    for (const { action, change } of replay.entries.values()) {
      if (action.kind !== 'errno' || seen.has(change.assignment)) continue;
      seen.add(change.assignment);
      found.push({ ...setting(change.assignment), errno: action.errno });
    }
  }
  for (const { key, errno: settingErrno } of ERRNO_FILTER_SETTINGS) {
    const last = lastAssignment(assignments, key);
    if (settingOn(last)) found.push({ ...setting(last as UnitAssignment), errno: settingErrno });
  }
  return found;
}

/** The unit's commands with the `+` prefix: systemd runs them without the sandbox, seccomp filters included. */
export function unsandboxedCommands(configuration: UnitConfiguration): UnitSeccompSetting[] {
  return execAssignments(configuration)
    .filter((assignment) => EXEC_KEYS.has(assignment.key) && /^[@\-:!|]*\+/.test(assignment.value))
    .map(setting);
}

/** The kernel's own parameters (before `--`, after which they are init's). */
function kernelParameters(commandLine: string): string[] {
  const words = commandLine.trim().split(/\s+/).filter(Boolean);
  const end = words.indexOf('--');
  return end === -1 ? words : words.slice(0, end);
}

const MESSAGE_TYPE_NAMES: Record<string, number> = { SECCOMP: SECCOMP_RECORD_TYPE };

/** How an exclude rule's field comparisons stand to a seccomp record: all matched, some fields not comparable here, or no match. */
function excludeRuleMatch(rule: string): 'all' | 'some' | 'none' {
  const fields = [...rule.matchAll(/-F\s+([a-z_]+)(!=|<=|>=|&=|=|<|>|&)(\S+)/g)];
  let otherFields = false;
  for (const [, name, operator, text] of fields) {
    if (name !== 'msgtype') {
      otherFields = true;
      continue;
    }
    const value = /^\d+$/.test(text as string) ? Number(text) : MESSAGE_TYPE_NAMES[(text as string).toUpperCase()];
    if (value === undefined) {
      // Another record type by name: only `!=` can include SECCOMP.
      if (operator === '!=') continue;
      if (operator === '=') return 'none';
      otherFields = true;
      continue;
    }
    const matches = operator === '=' ? SECCOMP_RECORD_TYPE === value
      : operator === '!=' ? SECCOMP_RECORD_TYPE !== value
        : operator === '<' ? SECCOMP_RECORD_TYPE < value
          : operator === '>' ? SECCOMP_RECORD_TYPE > value
            : operator === '<=' ? SECCOMP_RECORD_TYPE <= value
              : operator === '>=' ? SECCOMP_RECORD_TYPE >= value
                : (SECCOMP_RECORD_TYPE & value) !== 0;
    if (!matches) return 'none';
  }
  return otherFields ? 'some' : 'all';
}

/** The exclude rules of `auditctl -l` that drop every seccomp record, and those that may drop some. */
export function excludeRulesForSeccomp(rules: string[]): { dropAll: string[]; dropSome: string[] } {
  const dropAll: string[] = [];
  const dropSome: string[] = [];
  for (const rule of rules) {
    // The exclude list drops a record whatever the rule's action (kernel/auditfilter.c audit_filter()).
    if (!/^-a\s+\S*\bexclude\b/.test(rule.trim())) continue;
    const match = excludeRuleMatch(rule);
    if (match === 'all') dropAll.push(rule);
    else if (match === 'some') dropSome.push(rule);
  }
  return { dropAll, dropSome };
}

function worst(statuses: DoctorStatus[]): DoctorStatus {
  return statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'ok';
}

const STATUS_ORDER: Record<DoctorStatus, number> = { fail: 0, warn: 1, ok: 2 };

function actionsCheck(facts: HostFacts, unit: DoctorUnit | null, errnoSettings: ErrnoSetting[]): DoctorCheck {
  const logSeccomp = facts.pid1LogsSeccomp === true;
  const needed: string[] = [];
  if (unit === null) {
    needed.push('kill_process', 'kill_thread');
    if (logSeccomp) needed.push('errno');
  } else {
    const settings = unitSeccompSettings(unit.configuration);
    // Any systemd filter kills a call of an ABI it was not built for: kill_thread.
    if (settings.length > 0) needed.push('kill_process', 'kill_thread');
    if (logSeccomp && errnoSettings.length > 0) needed.push('errno');
    if (settings.some((entry) => entry.key === 'SystemCallLog')) needed.push('log');
  }
  if (facts.actionsLogged === null) return { id: 'actions-logged', status: 'warn', logged: null, needed, missing: [], missingNeeded: [] };
  const logged = new Set(facts.actionsLogged);
  const available = facts.actionsAvailable === null ? null : new Set(facts.actionsAvailable);
  const missing = WATCHED_ACTIONS.filter((action) => !logged.has(action) && (available === null || available.has(action)));
  const missingNeeded = missing.filter((action) => needed.includes(action));
  const status: DoctorStatus = missingNeeded.length > 0 ? 'fail' : missing.length > 0 ? 'warn' : 'ok';
  return { id: 'actions-logged', status, logged: facts.actionsLogged, needed, missing, missingNeeded };
}

function errnoCheck(facts: HostFacts, unit: DoctorUnit | null, errnoSettings: ErrnoSetting[]): DoctorCheck {
  const logSeccomp = facts.pid1LogsSeccomp;
  const name = unit?.configuration.unit ?? null;
  let status: DoctorStatus;
  if (logSeccomp === true || (unit !== null && errnoSettings.length === 0)) status = 'ok';
  else if (unit === null || logSeccomp === null) status = 'warn';
  else status = 'fail';
  return { id: 'errno-logging', status, logSeccomp, unit: name, errnoSettings };
}

function auditBootCheck(facts: HostFacts): DoctorCheck {
  const parameter = facts.kernelCommandLine === null ? null
    : kernelParameters(facts.kernelCommandLine).filter((word) => word.startsWith('audit=')).at(-1) ?? null;
  const off = parameter !== null && (parameter === 'audit=0' || parameter === 'audit=off');
  return { id: 'audit-boot', status: off ? 'fail' : facts.kernelCommandLine === null ? 'warn' : 'ok', parameter };
}

function auditKernelCheck(facts: HostFacts): DoctorCheck {
  const support = facts.kernelAudit;
  const status: DoctorStatus = support.code === 'config' ? (support.audit && support.auditSyscall ? 'ok' : 'fail') : support.code === 'loginuid' ? 'ok' : 'warn';
  return { id: 'audit-kernel', status, support };
}

function auditRulesCheck(facts: HostFacts): DoctorCheck {
  const listing = facts.auditRules;
  if (listing.code !== 'listed') {
    return { id: 'audit-rules', status: listing.code === 'no-auditctl' ? 'ok' : 'warn', listing: listing.code, dropAll: [], dropSome: [], message: listing.code === 'not-read' ? listing.message : null };
  }
  const { dropAll, dropSome } = excludeRulesForSeccomp(listing.rules);
  return { id: 'audit-rules', status: dropAll.length > 0 ? 'fail' : dropSome.length > 0 ? 'warn' : 'ok', listing: 'listed', dropAll, dropSome, message: null };
}

function destination(facts: HostFacts): 'auditd' | 'journald-audit' | 'kernel-log' {
  if (facts.auditdRuns) return 'auditd';
  return facts.journaldAuditSocket === 'active' ? 'journald-audit' : 'kernel-log';
}

function destinationCheck(facts: HostFacts): DoctorCheck {
  const where = destination(facts);
  return { id: 'record-destination', status: where === 'kernel-log' ? 'warn' : 'ok', destination: where, journaldAuditSocket: facts.journaldAuditSocket };
}

function lossCheck(facts: HostFacts): DoctorCheck {
  const printkOnly = destination(facts) === 'kernel-log';
  const lost = (facts.auditStatus?.lost ?? 0) > 0;
  const log = facts.kernelLog;
  const logLoss = log !== null && (log.lostLineCount > 0 || (printkOnly && log.suppressed > 0));
  const unknown = facts.auditStatus === null && log === null;
  return { id: 'record-loss', status: lost || logLoss || unknown ? 'warn' : 'ok', auditStatus: facts.auditStatus, kernelLog: log, printkOnly };
}

function unitChecks(unit: DoctorUnit): DoctorCheck[] {
  const name = unit.configuration.unit;
  const settings = unitSeccompSettings(unit.configuration);
  const commands = unsandboxedCommands(unit.configuration);
  const checks: DoctorCheck[] = [
    { id: 'unit-settings', status: settings.length === 0 ? 'warn' : 'ok', unit: name, settings },
    { id: 'unit-unsandboxed-commands', status: commands.length > 0 ? 'warn' : 'ok', unit: name, commands },
  ];
  if (unit.loaded !== null) checks.push({ id: 'unit-reload', status: unit.loaded.needDaemonReload ? 'warn' : 'ok', unit: name, needDaemonReload: unit.loaded.needDaemonReload });
  return checks;
}

/**
 * Why a seccomp denial would not be logged on this host (docs/doctor.md): each check from the
 * host's facts and, with a unit, its settings. Worst first; a `fail` means a denial (of the unit,
 * or without one of any program killed by its filter) leaves no record.
 */
export function doctorChecks(facts: HostFacts, unit: DoctorUnit | null, groups: SystemdGroups): DoctorCheck[] {
  const errnoSettings = unit === null ? [] : unitErrnoSettings(unit.configuration, groups);
  const systemd = facts.pid1Name === 'systemd';
  const checks: DoctorCheck[] = [
    { id: 'pid1', status: systemd ? 'ok' : 'warn', name: facts.pid1Name },
    { id: 'container', status: facts.container === null ? 'ok' : 'warn', container: facts.container },
    actionsCheck(facts, unit, errnoSettings),
  ];
  if (systemd || unit !== null) checks.push(errnoCheck(facts, unit, errnoSettings));
  checks.push(auditBootCheck(facts), auditKernelCheck(facts), auditRulesCheck(facts), destinationCheck(facts), lossCheck(facts));
  if (unit !== null) checks.push(...unitChecks(unit));
  return checks.map((check, index) => ({ check, index }))
    .sort((a, b) => STATUS_ORDER[a.check.status] - STATUS_ORDER[b.check.status] || a.index - b.index)
    .map(({ check }) => check);
}

/** Whether a denial would be logged: no check failed. */
export function denialsLogged(checks: DoctorCheck[]): boolean {
  return worst(checks.map((check) => check.status)) !== 'fail';
}

/** Reads `auditctl -s` output (`enabled 1`, `lost 0`, `backlog_limit 8192`, …). */
export function parseAuditStatus(text: string): AuditStatus | null {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\s+(\d+)\b/.exec(line.trim());
    if (match) values.set(match[1] as string, Number(match[2]));
  }
  if (values.size === 0) return null;
  return { enabled: values.get('enabled') ?? null, lost: values.get('lost') ?? null, backlogLimit: values.get('backlog_limit') ?? null, rateLimit: values.get('rate_limit') ?? null };
}

/** The most kernel lines about lost records a check keeps. */
const KEPT_LOSS_LINES = 3;

/**
 * Counts, line by line, the kernel log's lines of lost audit records and the printk messages it
 * suppressed (`kauditd_printk_skb`): memory stays the same however long the log is.
 */
export class KernelLogLossCounter {
  readonly loss: KernelLogLoss;

  constructor(source: KernelLogLoss['source']) {
    this.loss = { source, suppressed: 0, lostLines: [], lostLineCount: 0 };
  }

  addLine(line: string): void {
    const suppressed = /kauditd_printk_skb: (\d+) callbacks suppressed/.exec(line);
    if (suppressed) {
      this.loss.suppressed += Number(suppressed[1]);
      return;
    }
    if (/audit: audit_lost=\d+|audit: backlog limit exceeded|audit: rate limit exceeded|kauditd hold queue overflow/.test(line)) {
      this.loss.lostLineCount++;
      if (this.loss.lostLines.length < KEPT_LOSS_LINES) this.loss.lostLines.push(line.length > 200 ? line.slice(0, 200) : line);
    }
  }
}

/** The kernel log's lines of lost audit records, and the printk messages it suppressed, in a text. */
export function kernelLogLoss(text: string, source: KernelLogLoss['source']): KernelLogLoss {
  const counter = new KernelLogLossCounter(source);
  for (const line of text.split('\n')) counter.addLine(line);
  return counter.loss;
}

/** Whether a kernel build configuration (`/proc/config.gz`, `/boot/config-RELEASE`) has audit and syscall auditing. */
export function kernelConfigAudit(text: string, source: string): KernelAuditSupport {
  const has = (name: string): boolean => new RegExp(`^${name}=y$`, 'm').test(text);
  return { code: 'config', source, audit: has('CONFIG_AUDIT'), auditSyscall: has('CONFIG_AUDITSYSCALL') };
}
