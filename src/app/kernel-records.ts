import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { emptyStats, isTrusted, verifyDenial, type InputProvenance, type Verification } from '../analysis/index.js';
import type { DecodeOptions, Denial } from '../decode/index.js';
import { commandSource, fileSource, type InputSource } from '../input/index.js';
import {
  compareVersions, excludeRulesForSeccomp, KernelLogLossCounter, logSeccompEnabled, parseAuditStatus, systemdVersionOf, type AuditStatus, type KernelLogLoss,
} from '../systemd/index.js';
import { DEFAULT_AUDIT_LOG } from './host-logs.js';
import { readDenials } from './read-denials.js';
import { fileProvenance, TRUSTED_JOURNAL_MATCHES } from './trusted-sources.js';
import { hostRunsSystemd } from './unit-loading.js';
import { UsageError } from './usage-error.js';

/**
 * What `run` and `learn` read of this host as it runs: the kernel's seccomp records since a
 * moment, from where they are complete, and whatever says some may have been lost (docs/run.md).
 */

/** The first systemd with SystemCallLog=. */
export const SYSTEM_CALL_LOG_SINCE = '247';
const ACTIONS_LOGGED = '/proc/sys/kernel/seccomp/actions_logged';
const COMMAND_TIMEOUT_MS = 10_000;
/** The most of a command's output read (audit rules and status; the kernel log is streamed). */
const OUTPUT_LIMIT = 8 * 1024 * 1024;

export interface CommandResult {
  /** null when the command could not run (not installed, timed out, too much output). */
  status: number | null;
  /** The command is not installed. */
  missing: boolean;
  stdout: string;
  stderr: string;
}

/** Runs a short command of this host's (systemctl, auditctl, pidof) and takes its output. */
export function runCommand(command: string, args: string[]): CommandResult {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, maxBuffer: OUTPUT_LIMIT, stdio: ['ignore', 'pipe', 'pipe'] });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: result.error ? null : result.status, missing, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/**
 * Root, systemd as PID 1, a systemd with SystemCallLog=: each missing one is one line with the
 * fix. `what` says what the command does that needs them.
 */
export function requireSystemdWithSystemCallLog(command: string, what: string): void {
  if (process.getuid?.() !== 0) throw new UsageError(`${command} ${what}, which needs root: sudo seccomp-explain ${command} …`);
  if (!hostRunsSystemd()) {
    throw new UsageError(`${command} needs systemd as PID 1, and this host's PID 1 is not systemd (a container without systemd cannot work: README, "Test before you ship")`);
  }
  const version = systemdVersionOf(runCommand('systemctl', ['--version']).stdout);
  if (version === null) throw new UsageError('systemctl --version did not say which systemd this is');
  if (compareVersions(version, SYSTEM_CALL_LOG_SINCE) < 0) {
    throw new UsageError(`systemd ${version} has no SystemCallLog= (${SYSTEM_CALL_LOG_SINCE} and later), which ${command} needs: use it on a newer system`);
  }
}

/** The seccomp actions the kernel logs (kernel.seccomp.actions_logged). */
export function actionsLogged(): Set<string> {
  try {
    return new Set(readFileSync(ACTIONS_LOGGED, 'utf8').trim().split(/\s+/));
  } catch {
    return new Set();
  }
}

/** Audit rules that drop seccomp records (auditctl -l), when auditctl is installed. */
export function auditExcludeRules(): string[] {
  const listed = runCommand('auditctl', ['-l']);
  if (listed.status !== 0) return [];
  const { dropAll, dropSome } = excludeRulesForSeccomp(listed.stdout.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('-')));
  return [...dropAll, ...dropSome];
}

export function auditdRuns(): boolean {
  return runCommand('pidof', ['auditd']).status === 0;
}

/** Whether journald reads the audit subsystem, so that records do not go through the rate-limited kernel log. */
export function journaldReadsAudit(): boolean {
  return runCommand('systemctl', ['is-active', '--quiet', 'systemd-journald-audit.socket']).status === 0;
}

/**
 * PID 1's environment: SYSTEMD_LOG_SECCOMP (a boolean, as systemd reads it; the last of it
 * counts) makes systemd log errno denials. Null when it cannot be read.
 */
export function pid1LogsSeccomp(): boolean | null {
  let environment: string;
  try {
    environment = readFileSync('/proc/1/environ', 'latin1');
  } catch {
    return null;
  }
  const value = environment.split('\0').filter((entry) => entry.startsWith('SYSTEMD_LOG_SECCOMP=')).at(-1);
  return logSeccompEnabled(value?.slice('SYSTEMD_LOG_SECCOMP='.length));
}

/** Whether the records reach something that keeps them all: journald's audit socket or auditd, not only the rate-limited kernel log. */
export function recordsAreComplete(): boolean {
  return journaldReadsAudit() || auditdRuns();
}

/** The kernel's count of audit records lost since boot (`auditctl -s`), when auditctl is installed. */
export function auditLostCount(): number | null {
  return auditStatus()?.lost ?? null;
}

/** `auditctl -s`, read, when auditctl is installed and may ask. */
export function auditStatus(): AuditStatus | null {
  const status = runCommand('auditctl', ['-s']);
  return status.status === 0 ? parseAuditStatus(status.stdout) : null;
}

function sinceArgument(since: number): string {
  return `--since=@${Math.floor(since / 1000) - 1}`;
}

/** The longest line kept whole when a command's output is scanned; a longer one is cut. */
const SCANNED_LINE_BYTES = 64 * 1024;

/**
 * Runs a command and hands each line of its output to `onLine` as it comes: memory stays
 * bounded however much it prints. The exit status, or null when it could not run.
 */
export function scanCommandLines(command: string, args: string[], onLine: (line: string) => void): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let carry = '';
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      const lines = (carry + chunk).split('\n');
      carry = lines.pop() ?? '';
      if (carry.length > SCANNED_LINE_BYTES) carry = carry.slice(0, SCANNED_LINE_BYTES);
      for (const line of lines) onLine(line.length > SCANNED_LINE_BYTES ? line.slice(0, SCANNED_LINE_BYTES) : line);
    });
    const timer = setTimeout(() => child.kill(), COMMAND_TIMEOUT_MS * 6);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      if (carry !== '') onLine(carry);
      resolve(status);
    });
  });
}

/** What the kernel log says of lost audit records since `since` (or this boot), read as it streams; null when it cannot be read. */
export async function kernelLogLossSince(since: number | 'boot', source: KernelLogLoss['source'] = 'journal'): Promise<KernelLogLoss | null> {
  const counter = new KernelLogLossCounter(source);
  const args = source === 'journal' ? ['-k', '-o', 'cat', '--no-pager', '-q', since === 'boot' ? '-b' : sinceArgument(since)] : [];
  const status = await scanCommandLines(source === 'journal' ? 'journalctl' : 'dmesg', args, (line) => counter.addLine(line));
  return status === 0 ? counter.loss : null;
}

/** Where complete records are: journald's audit transport (or auditd's log), never only the rate-limited ring buffer. */
function recordSources(since: number): { source: InputSource; provenance: InputProvenance }[] {
  const sources: { source: InputSource; provenance: InputProvenance }[] = [{
    source: commandSource('journalctl', ['-o', 'json', '--no-pager', '-q', sinceArgument(since), ...TRUSTED_JOURNAL_MATCHES]),
    provenance: { code: 'own-journal' },
  }];
  if (auditdRuns() && existsSync(DEFAULT_AUDIT_LOG)) {
    const provenance = fileProvenance(DEFAULT_AUDIT_LOG);
    sources.push({ source: fileSource(provenance.code === 'root-only-file' ? provenance.path : DEFAULT_AUDIT_LOG), provenance });
  }
  return sources;
}

/**
 * Streams the records since `since` that provably came from the kernel or auditd
 * (docs/security.md): a line anyone logged never counts. Each event once.
 */
export async function readTrustedRecordsSince(since: number, decode: DecodeOptions, tell: (message: string) => void, onRecord: (denial: Denial, verification: Verification) => void): Promise<void> {
  runCommand('journalctl', ['--sync']);
  const sources = recordSources(since);
  let provenance: InputProvenance = { code: 'anyone' };
  for await (const denial of readDenials(sources.map(({ source }) => source), {
    decode,
    // auditd's log spans boots, and sessions are numbered anew at each.
    filter: { since: since - 1000 },
    now: Date.now(),
    onSource: (source) => {
      provenance = sources.find((entry) => entry.source === source)?.provenance ?? { code: 'anyone' };
    },
    onInputError: (error) => tell(error.message),
  }, emptyStats())) {
    const verification = verifyDenial(denial, provenance);
    if (isTrusted(verification)) onRecord(denial, verification);
  }
}
