import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { emptyStats, isTrusted, verifyDenial, type InputProvenance, type Verification } from '../analysis/index.js';
import type { DecodeOptions, Denial } from '../decode/index.js';
import { commandSource, fileSource, type InputSource } from '../input/index.js';
import { compareVersions } from '../systemd/index.js';
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

export function runCommand(command: string, args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: result.error ? null : result.status, stdout: result.stdout ?? '' };
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
  const version = /^systemd (\d+(?:\.\d+)?)/.exec(runCommand('systemctl', ['--version']).stdout)?.[1] ?? null;
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

/** Audit rules that exclude records (auditctl -l), when auditctl is installed. */
export function auditExcludeRules(): string[] {
  const listed = runCommand('auditctl', ['-l']);
  if (listed.status !== 0) return [];
  return listed.stdout.split('\n').filter((rule) => /\bexclude\b/.test(rule));
}

export function auditdRuns(): boolean {
  return runCommand('pidof', ['auditd']).status === 0;
}

/** Whether journald reads the audit subsystem, so that records do not go through the rate-limited kernel log. */
export function journaldReadsAudit(): boolean {
  return runCommand('systemctl', ['is-active', '--quiet', 'systemd-journald-audit.socket']).status === 0;
}

/** PID 1's environment: SYSTEMD_LOG_SECCOMP (a boolean, as systemd reads it) makes systemd log errno denials. */
export function systemdLogsErrnoDenials(): boolean {
  try {
    const entry = readFileSync('/proc/1/environ', 'latin1').split('\0').find((variable) => variable.startsWith('SYSTEMD_LOG_SECCOMP='));
    return entry !== undefined && /^(1|yes|y|true|t|on)$/i.test(entry.slice('SYSTEMD_LOG_SECCOMP='.length));
  } catch {
    return false;
  }
}

/** Whether the records reach something that keeps them all: journald's audit socket or auditd, not only the rate-limited kernel log. */
export function recordsAreComplete(): boolean {
  return journaldReadsAudit() || auditdRuns();
}

/** The kernel's count of audit records lost since boot (`auditctl -s`), when auditctl is installed. */
export function auditLostCount(): number | null {
  const status = runCommand('auditctl', ['-s']);
  const lost = status.status === 0 ? /^lost (\d+)$/m.exec(status.stdout) : null;
  return lost ? Number(lost[1]) : null;
}

function sinceArgument(since: number): string {
  return `--since=@${Math.floor(since / 1000) - 1}`;
}

/** The kernel's own words that records were dropped since `since`. The ring buffer's rate limit counts only when nothing else carries the records. */
export function kernelDropLines(since: number): string[] {
  const ringBufferOnly = !recordsAreComplete();
  const text = runCommand('journalctl', ['-k', '-o', 'cat', '--no-pager', '-q', sinceArgument(since)]).stdout;
  const dropped = /audit_lost=|audit: backlog limit exceeded|audit: rate limit exceeded|kauditd hold queue overflow/;
  return text.split('\n').filter((line) => dropped.test(line) || (ringBufferOnly && /kauditd_printk_skb: \d+ callbacks suppressed/.test(line)));
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
