import type { DoctorCheck, DoctorStatus, ErrnoSetting, UnitSeccompSetting } from '../systemd/index.js';
import { safeJson } from './explanation-json.js';
import { escapeForTerminal, type Palette } from './terminal-text.js';

/** What `doctor` found: its checks, worst first, and whether a denial would be logged. */
export interface DoctorReport {
  /** The unit asked about, or null. */
  unit: string | null;
  checks: DoctorCheck[];
  /** No check failed: a denial (of the unit, or a kill of any program) would be logged. */
  logged: boolean;
}

/** A check in words: what was found, and what to do about it (null when nothing). */
export interface CheckWords {
  detail: string;
  fix: string | null;
}

/** The actions in the order the kernel lists them (kernel.seccomp.actions_avail). */
const ACTION_ORDER = ['kill_process', 'kill_thread', 'trap', 'errno', 'user_notif', 'trace', 'log'];

const ACTION_EFFECT: Record<string, string> = {
  kill_process: 'seccomp kills are not logged',
  kill_thread: 'seccomp kills of a thread (a call of a foreign ABI) are not logged',
  errno: 'errno denials are not logged even when the filter asks for it (SYSTEMD_LOG_SECCOMP=1)',
  log: 'SystemCallLog= (SECCOMP_RET_LOG) calls are not logged',
};

const LOG_SECCOMP_FIX = 'add SYSTEMD_LOG_SECCOMP=1 to the kernel command line (the kernel hands it to PID 1\'s environment; GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub) and reboot; to find the call without a reboot, run the program under the unit\'s filter in log mode: seccomp-explain run --unit UNIT -- COMMAND';

function where(setting: UnitSeccompSetting): string {
  return `${setting.source.path}:${setting.source.line}`;
}

function shortValue(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

function assignment(setting: UnitSeccompSetting): string {
  return escapeForTerminal(`${setting.key}=${shortValue(setting.value)}`);
}

function errnoSetting(setting: ErrnoSetting): string {
  return `${assignment(setting)} (${escapeForTerminal(where(setting))}: ${escapeForTerminal(setting.errno)})`;
}

function list(items: string[]): string {
  return items.join(', ');
}

function deleteRule(rule: string): string {
  return `auditctl ${rule.replace(/^-a\s+/, '-d ')}`;
}

/** The words of one check. */
export function describeCheck(check: DoctorCheck): CheckWords {
  switch (check.id) {
    case 'pid1':
      return check.status === 'ok'
        ? { detail: 'PID 1 is systemd', fix: null }
        : {
          detail: `PID 1 is ${escapeForTerminal(check.name ?? 'unknown')}, not systemd: the journald and SYSTEMD_LOG_SECCOMP checks do not apply here`,
          fix: 'run seccomp-explain doctor on the machine that runs the service (--unit-file checks a unit\'s files here)',
        };
    case 'container':
      return check.container === null
        ? { detail: 'not in a container', fix: null }
        : {
          detail: `running in a container (${escapeForTerminal(check.container)}): the kernel sends its audit records to the host's log, and auditd can run only on the host`,
          fix: 'run seccomp-explain doctor on the host, and read the denials from the host\'s journal or audit.log',
        };
    case 'actions-logged': {
      if (check.logged === null) {
        return { detail: 'kernel.seccomp.actions_logged cannot be read: which seccomp actions the kernel logs is unknown', fix: 'a kernel of 4.14 or later has it (uname -r)' };
      }
      if (check.missing.length === 0) return { detail: `kernel.seccomp.actions_logged holds ${escapeForTerminal(check.logged.join(' '))}`, fix: null };
      const needs = check.missingNeeded.length > 0 ? `; the denials asked about need ${check.missingNeeded.join(' ')}` : '';
      const wanted = ACTION_ORDER.filter((action) => check.logged?.includes(action) || check.missing.includes(action));
      return {
        detail: `kernel.seccomp.actions_logged lacks ${check.missing.join(' ')}: ${list(check.missing.map((action) => ACTION_EFFECT[action] ?? action))}${needs}`,
        fix: `sysctl -w kernel.seccomp.actions_logged="${wanted.join(' ')}", and keep it in /etc/sysctl.d/ (the kernel's default logs every action but allow)`,
      };
    }
    case 'errno-logging': {
      const unit = check.unit === null ? null : escapeForTerminal(check.unit);
      if (check.logSeccomp === true) {
        return { detail: 'PID 1 runs with SYSTEMD_LOG_SECCOMP=1: systemd\'s filters ask the kernel to log errno denials too', fix: null };
      }
      if (unit !== null && check.errnoSettings.length === 0) {
        return { detail: `${unit} has no setting that answers a call with an errno: its seccomp denials are kills, which are logged without SYSTEMD_LOG_SECCOMP`, fix: null };
      }
      if (check.logSeccomp === null) {
        return { detail: 'PID 1\'s environment cannot be read: whether errno denials are logged (SYSTEMD_LOG_SECCOMP=1) is unknown', fix: 'run doctor as root: sudo seccomp-explain doctor' };
      }
      if (unit === null) {
        return {
          detail: 'PID 1 runs without SYSTEMD_LOG_SECCOMP=1: calls systemd\'s filters refuse with an errno (SystemCallErrorNumber=, name:ERRNO, RestrictAddressFamilies=, …) leave no record; kills are logged',
          fix: LOG_SECCOMP_FIX,
        };
      }
      return {
        detail: `${unit}'s seccomp denials are errnos, and PID 1 runs without SYSTEMD_LOG_SECCOMP=1, so the kernel logs none of them: ${list(check.errnoSettings.map(errnoSetting))}`,
        fix: LOG_SECCOMP_FIX.replace('--unit UNIT', `--unit ${unit}`),
      };
    }
    case 'audit-boot':
      if (check.status === 'fail') {
        return {
          detail: `the kernel was booted with ${escapeForTerminal(check.parameter ?? '')}: the audit subsystem is off, and no seccomp denial is recorded`,
          fix: `remove ${escapeForTerminal(check.parameter ?? '')} from the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub) and reboot`,
        };
      }
      if (check.status === 'warn') return { detail: '/proc/cmdline cannot be read: whether the kernel was booted with audit=0 is unknown', fix: 'cat /proc/cmdline' };
      return { detail: check.parameter === null ? 'the kernel command line has no audit=0' : `the kernel command line has ${escapeForTerminal(check.parameter)}`, fix: null };
    case 'audit-kernel': {
      const support = check.support;
      if (support.code === 'loginuid') return { detail: 'the kernel has audit (/proc/self/loginuid exists)', fix: null };
      if (support.code === 'unknown') {
        return {
          detail: 'the kernel\'s configuration cannot be read (no /proc/config.gz or /boot/config-RELEASE) and /proc/self/loginuid is missing: the kernel may lack audit',
          fix: 'check that the kernel is built with CONFIG_AUDIT=y and CONFIG_AUDITSYSCALL=y',
        };
      }
      if (support.audit && support.auditSyscall) return { detail: `the kernel has CONFIG_AUDIT and CONFIG_AUDITSYSCALL (${escapeForTerminal(support.source)})`, fix: null };
      const lacking = [support.audit ? null : 'CONFIG_AUDIT', support.auditSyscall ? null : 'CONFIG_AUDITSYSCALL'].filter((name) => name !== null);
      return {
        detail: `the kernel is built without ${lacking.join(' and ')} (${escapeForTerminal(support.source)}): it cannot record seccomp denials`,
        fix: 'boot a kernel built with CONFIG_AUDIT=y and CONFIG_AUDITSYSCALL=y',
      };
    }
    case 'audit-rules': {
      if (check.listing === 'no-auditctl') return { detail: 'auditctl is not installed: no audit rules were loaded with it', fix: null };
      if (check.listing === 'not-read') {
        return { detail: `auditctl -l failed (${escapeForTerminal(check.message ?? '')}): audit exclude rules cannot be checked`, fix: 'run doctor as root: sudo seccomp-explain doctor' };
      }
      const rules = [...check.dropAll, ...check.dropSome];
      if (rules.length === 0) return { detail: 'no audit exclude rule drops seccomp records (auditctl -l)', fix: null };
      const quoted = rules.map((rule) => escapeForTerminal(rule)).join('; ');
      return {
        detail: check.dropAll.length > 0
          ? `audit exclude rules drop every seccomp record (type SECCOMP, 1326): ${quoted}`
          : `audit exclude rules may drop some seccomp records: ${quoted}`,
        fix: `${rules.map((rule) => escapeForTerminal(deleteRule(rule))).join('; ')}, and take them out of /etc/audit/rules.d/ (augenrules --load)`,
      };
    }
    case 'record-destination': {
      const socket = check.journaldAuditSocket === 'active' ? '; journald\'s audit socket gets a copy too (journalctl _TRANSPORT=audit)' : '';
      if (check.destination === 'auditd') {
        return { detail: `auditd runs: seccomp records go to /var/log/audit/audit.log (ausearch -m SECCOMP), not to the journal's kernel transport${socket}`, fix: null };
      }
      if (check.destination === 'journald-audit') {
        return { detail: 'journald reads the audit socket (systemd-journald-audit.socket is active): seccomp records are in the journal (journalctl _TRANSPORT=audit)', fix: null };
      }
      if (check.journaldAuditSocket === 'inactive') {
        return {
          detail: 'no auditd runs and systemd-journald-audit.socket is not active: seccomp records reach only the kernel log, whose rate limit drops them in bursts',
          fix: 'systemctl enable systemd-journald-audit.socket && systemctl stop systemd-journald && systemctl start systemd-journald-audit.socket systemd-journald (systemd will not start the socket while journald runs; or install and start auditd)',
        };
      }
      return {
        detail: 'no auditd runs and no journald reads the audit socket: seccomp records reach only the kernel log (dmesg), whose rate limit drops them in bursts',
        fix: 'install and start auditd, or read dmesg soon after the denial',
      };
    }
    case 'record-loss': {
      const parts: string[] = [];
      const status = check.auditStatus;
      if (status !== null && (status.lost ?? 0) > 0) {
        parts.push(`the kernel lost ${status.lost} audit records since boot (auditctl -s; backlog_limit ${status.backlogLimit ?? '?'}, rate_limit ${status.rateLimit ?? '?'})`);
      }
      const log = check.kernelLog;
      if (log !== null && log.lostLineCount > 0) {
        const more = log.lostLineCount > log.lostLines.length ? ` and ${log.lostLineCount - log.lostLines.length} more` : '';
        parts.push(`the kernel log of this boot says records were dropped: ${log.lostLines.map((line) => `"${escapeForTerminal(line)}"`).join(', ')}${more}`);
      }
      if (log !== null && check.printkOnly && log.suppressed > 0) {
        parts.push(`printk suppressed ${log.suppressed} kernel messages (kauditd_printk_skb: callbacks suppressed) while records reached only the kernel log`);
      }
      if (parts.length > 0) {
        return {
          detail: parts.join('; '),
          fix: 'raise the audit backlog (auditctl -b 8192; auditctl -r 0 for no rate limit; keep them in /etc/audit/rules.d/), and let journald or auditd read the records (see record-destination)',
        };
      }
      if (status === null && log === null) {
        return { detail: 'neither auditctl -s nor the kernel log could be read: whether records were lost is unknown', fix: 'run doctor as root: sudo seccomp-explain doctor' };
      }
      const read = [
        status === null ? null : `auditctl -s: lost ${status.lost ?? '?'}, backlog_limit ${status.backlogLimit ?? '?'}`,
        log === null ? null : `the kernel log (${log.source === 'journal' ? 'journalctl -k -b' : 'dmesg'}) says none were dropped`,
      ].filter((part) => part !== null);
      return { detail: `no audit record lost since boot (${read.join('; ')})`, fix: null };
    }
    case 'unit-settings': {
      const unit = escapeForTerminal(check.unit);
      if (check.settings.length === 0) {
        return {
          detail: `${unit} has no seccomp setting: an EPERM it gets comes from elsewhere (file permissions, capabilities, ProtectSystem=, an LSM such as AppArmor or SELinux)`,
          fix: `look for AppArmor or SELinux denials (journalctl _TRANSPORT=audit) and at the unit's other sandboxing (systemd-analyze security ${unit})`,
        };
      }
      return { detail: `${unit} sets ${list(check.settings.map(assignment))}`, fix: null };
    }
    case 'unit-unsandboxed-commands': {
      const unit = escapeForTerminal(check.unit);
      if (check.commands.length === 0) return { detail: `${unit} has no command with the + prefix: every command runs under its filters`, fix: null };
      return {
        detail: `${unit} runs ${list(check.commands.map((command) => `${assignment(command)} (${escapeForTerminal(where(command))})`))} with the + prefix, outside its seccomp filters: their calls are never denied, nor logged`,
        fix: `nothing, if that is meant; to test those commands under the filter: seccomp-explain run --unit ${unit} -- COMMAND`,
      };
    }
    case 'unit-reload': {
      const unit = escapeForTerminal(check.unit);
      return check.needDaemonReload
        ? { detail: `${unit}'s files changed since PID 1 loaded it (NeedDaemonReload=yes): the running filter is the old one`, fix: `systemctl daemon-reload && systemctl restart ${unit}` }
        : { detail: `${unit} as loaded is its files as they are (NeedDaemonReload=no)`, fix: null };
    }
  }
}

function verdict(report: DoctorReport, exitStatus: number): string {
  const what = report.unit === null ? 'a seccomp kill of any program' : `a seccomp denial of ${escapeForTerminal(report.unit)}`;
  return report.logged
    ? `${what} would be logged (exit ${exitStatus})`
    : `${what} would not be logged: mend the failures above (exit ${exitStatus})`;
}

function statusWord(status: DoctorStatus, palette: Palette): string {
  const word = status.padEnd(4);
  return status === 'fail' ? palette.action(word) : status === 'warn' ? palette.warning(word) : word;
}

/** `doctor`'s report: one line per check, worst first, each problem's fix under it, and the verdict. */
export function renderDoctorText(report: DoctorReport, exitStatus: number, palette: Palette): string {
  const out: string[] = [];
  for (const check of report.checks) {
    const words = describeCheck(check);
    out.push(`${statusWord(check.status, palette)}  ${check.id}: ${words.detail}`);
    if (words.fix !== null && check.status !== 'ok') out.push(`      fix: ${words.fix}`);
  }
  out.push(verdict(report, exitStatus));
  return `${out.join('\n')}\n`;
}

/** `doctor --json`: `{ "checks": [{ "id", "status", "detail", "fix", "data" }], … }`. Part of the public interface (README). */
export function renderDoctorJson(report: DoctorReport, exitStatus: number): string {
  return `${safeJson({
    checks: report.checks.map((check) => {
      const { id, status, ...data } = check;
      const words = describeCheck(check);
      return { id, status, detail: words.detail, fix: status === 'ok' ? null : words.fix, data };
    }),
    unit: report.unit,
    logged: report.logged,
    exit_status: exitStatus,
  }, 2)}\n`;
}
