import type { Finding, RunMode, TransientProperty } from '../systemd/index.js';
import { safeJson } from './explanation-json.js';
import { describeSyscall } from './explanation-text.js';
import { suggestionFindingLines, suggestionJsonValue, type SuggestionReport } from './suggestion-output.js';
import { escapeForTerminal, type Palette } from './terminal-text.js';

/** How the command ended. */
export type CommandExit =
  | { code: 'exited'; status: number }
  | { code: 'killed' | 'dumped'; signal: string }
  /** systemd did not start it (no such program…), or its end was not recorded. */
  | { code: 'not-started'; status: number };

/** Why the records of a run may be incomplete: any of them makes the verdict `inconclusive`. */
export type RecordLoss =
  | { code: 'actions-logged'; missing: string[]; when: 'before' | 'after' }
  | { code: 'errno-unlogged'; errno: string }
  | { code: 'kernel-dropped'; line: string }
  | { code: 'audit-exclude-rules'; rules: string[] }
  /** The kernel's count of lost audit records grew during the run. */
  | { code: 'audit-lost'; lost: number }
  /** Neither journald's audit socket nor auditd takes the records: only the rate-limited kernel log has them. */
  | { code: 'ring-buffer-only' }
  /** The fence's record did not arrive in time: records may still have been on their way. */
  | { code: 'records-late' }
  /** The fence could not be started: whether every record arrived cannot be told. */
  | { code: 'no-fence' }
  | { code: 'no-session-marker' }
  | { code: 'no-audit-session' }
  | { code: 'sessions-ambiguous'; sessions: number[] }
  | { code: 'interrupted' };

export type RunVerdict = 'pass' | 'denials' | 'inconclusive' | 'failed';

export interface BaselineCall {
  abi: string | null;
  syscall: string | null;
}

export interface RunReport {
  verdict: RunVerdict;
  command: string[];
  exit: CommandExit;
  mode: RunMode;
  filter: { source: 'unit' | 'options'; properties: TransientProperty[] };
  /** The transient service the command ran as. */
  transientUnit: string;
  /** The audit session the run's processes had, or null when it could not be told. */
  session: number | null;
  /** The calls outside the filter, attributed, with the drop-in that allows them: suggest's report. */
  suggestion: SuggestionReport;
  /** Of the findings, those not in the baseline (all of them without one). */
  newFindings: Finding[];
  baselineFile: string | null;
  losses: RecordLoss[];
}

export function describeExit(exit: CommandExit): string {
  switch (exit.code) {
    case 'exited':
      return `exited with status ${exit.status}`;
    case 'killed':
      return `was killed by ${exit.signal}${exit.signal === 'SIGSYS' ? ' (seccomp)' : ''}`;
    case 'dumped':
      return `was killed by ${exit.signal} and dumped core${exit.signal === 'SIGSYS' ? ' (seccomp)' : ''}`;
    default:
      return `did not start (systemd-run exited with status ${exit.status})`;
  }
}

export function describeLoss(loss: RecordLoss): string {
  switch (loss.code) {
    case 'actions-logged':
      return `kernel.seccomp.actions_logged ${loss.when === 'before' ? 'does not hold' : 'lost during the run'} ${loss.missing.join(' ')}: the kernel does not log those actions (sysctl kernel.seccomp.actions_logged="kill_process kill_thread trap errno user_notif trace log")`;
    case 'errno-unlogged':
      return `calls the filter refuses with ${loss.errno} leave no record unless PID 1 runs with SYSTEMD_LOG_SECCOMP=1: run without --enforce (log mode) to list them, or with --errno kill`;
    case 'kernel-dropped':
      return `the kernel dropped audit records during the run: "${escapeForTerminal(loss.line)}" (raise the audit backlog, or run with fewer calls outside the filter)`;
    case 'audit-exclude-rules':
      return `audit rules exclude records (${loss.rules.map(escapeForTerminal).join('; ')}): seccomp records may be dropped (auditctl -l)`;
    case 'audit-lost':
      return `the kernel lost ${loss.lost} audit ${loss.lost === 1 ? 'record' : 'records'} during the run (auditctl -s): raise the backlog (auditctl -b 8192) and run again`;
    case 'ring-buffer-only':
      return 'neither journald\'s audit socket (systemd-journald-audit.socket) nor auditd takes the records, and the kernel log drops them when they come fast: systemctl enable systemd-journald-audit.socket && systemctl stop systemd-journald && systemctl start systemd-journald-audit.socket systemd-journald';
    case 'no-fence':
      return 'the fence (a service started after the run, whose record comes after all of the run\'s) could not be started: whether every record arrived cannot be told';
    case 'records-late':
      return 'the records of the run had not all reached the journal after 3 s: run again on a less busy system';
    case 'no-session-marker':
      return 'none of the run\'s records reached the journal, not even the exec of the command: is journald reading the audit socket (systemd-journald-audit.socket), or auditd running? Did the command get an audit session of its own (pam_loginuid, from libpam-modules)?';
    case 'no-audit-session':
      return 'the run\'s processes got no audit session of their own (pam_loginuid, from libpam-modules, missing?): their records cannot be told from other processes\'';
    case 'sessions-ambiguous':
      return `another run started the same moment (audit sessions ${loss.sessions.join(', ')}): this run's records cannot be told apart; run again`;
    default:
      return 'the run was interrupted';
  }
}

function describeMode(mode: RunMode): string {
  if (mode.code === 'log') return 'log mode: calls outside the filter were logged, not denied';
  if (mode.errno === null) return 'enforce mode: the filter as the unit has it';
  return `enforce mode: calls outside the filter ${mode.errno === 'kill' ? 'kill the process' : `fail with ${mode.errno}`}`;
}

/** The line a vendor would put in a changelog for a call the program now makes. */
export function changelogLine(finding: Finding): string {
  const summary = finding.summary;
  const abi = summary.abi ?? 'an unknown ABI';
  if (finding.cause === 'SystemCallArchitectures') {
    return `now also makes ${abi} calls: units with ${finding.directive ?? 'SystemCallArchitectures='} need SystemCallArchitectures=${finding.allow ?? ''}`;
  }
  const name = summary.syscall ?? `syscall ${summary.nr ?? '?'}`;
  const group = finding.via ? `, in ${finding.via}` : '';
  const units = finding.via && finding.directive?.startsWith('SystemCallFilter=~') ? `SystemCallFilter=~${finding.via}` : (finding.directive ?? 'a SystemCallFilter=');
  const fix = finding.allow ? `SystemCallFilter=${finding.allow}` : 'a newer systemd that can name it';
  return `now also calls ${name} (${abi}${group}): units with ${units} need ${fix}`;
}

function verdictLine(report: RunReport, exitStatus: number): string {
  const count = report.newFindings.length;
  const calls = `${count} ${count === 1 ? 'call' : 'calls'}`;
  const outside = report.baselineFile === null ? 'outside the filter' : `outside the filter and not in ${report.baselineFile}`;
  const words: Record<RunVerdict, string> = {
    pass: 'pass: the command succeeded and made no call outside the filter',
    denials: `${calls} ${outside}${report.mode.code === 'enforce' ? '' : report.filter.source === 'options' ? '; the settings above allow exactly those' : '; the drop-in above allows exactly those'}`,
    inconclusive: 'inconclusive: records may be missing, so this is no pass',
    failed: `the command ${describeExit(report.exit)}, and made no call outside the filter`,
  };
  return `verdict: ${words[report.verdict]} (exit ${exitStatus})`;
}

/** The report `run` prints on standard error after the command's own output. */
export function renderRunText(report: RunReport, exitStatus: number, palette: Palette): string {
  const out = [
    '',
    palette.dim(`seccomp-explain run: ${escapeForTerminal(report.command.join(' '))} ${describeExit(report.exit)}; ${describeMode(report.mode)}`),
  ];
  if (report.suggestion.findings.length > 0 || report.suggestion.warnings.length > 0) out.push(...suggestionFindingLines(report.suggestion, palette));
  else out.push(palette.dim(`unit ${escapeForTerminal(report.suggestion.unit)}: ${escapeForTerminal(report.suggestion.howFound)}; files: ${escapeForTerminal(report.suggestion.filesFrom)}`));
  if (report.mode.code === 'enforce') {
    const killing = report.suggestion.findings.find(({ finding }) => finding.summary.action === 'kill_process' || finding.summary.action === 'kill_thread');
    if (killing && (report.exit.code === 'killed' || report.exit.code === 'dumped')) {
      out.push(palette.warning(`the filter killed the command on ${describeSyscall(killing.finding.summary)}; calls after it were not made: run without --enforce to list them all`));
    }
  }
  const dropIn = report.suggestion.dropIn;
  if (dropIn && report.mode.code === 'log') {
    if (report.filter.source === 'options') {
      out.push('', 'to allow them, add to the filter:', ...dropIn.text.split('\n').filter((line) => /^[A-Za-z]+=/.test(line)).map((line) => `  ${line}`));
    } else {
      out.push('', `# ${dropIn.path}`, dropIn.text.trimEnd());
    }
  }
  if (report.baselineFile !== null && report.newFindings.length > 0) {
    out.push('', `changelog (calls not in ${escapeForTerminal(report.baselineFile)}):`, ...report.newFindings.map((finding) => `  ${escapeForTerminal(changelogLine(finding))}`));
  }
  for (const loss of report.losses) out.push(palette.warning(`warning: ${describeLoss(loss)}`));
  out.push(verdictLine(report, exitStatus));
  return `${out.join('\n')}\n`;
}

function exitValue(exit: CommandExit): Record<string, unknown> {
  return exit.code === 'exited' || exit.code === 'not-started' ? { code: exit.code, status: exit.status } : { code: exit.code, signal: exit.signal };
}

/** `run --json`: suggest's document, and the run's verdict, exit, filter and losses. Part of the public interface (README). */
export function renderRunJson(report: RunReport, exitStatus: number): string {
  return `${safeJson({
    ...suggestionJsonValue(report.suggestion),
    verdict: report.verdict,
    exit_status: exitStatus,
    command: report.command,
    command_exit: exitValue(report.exit),
    mode: report.mode,
    filter: { source: report.filter.source, properties: report.filter.properties },
    transient_unit: report.transientUnit,
    audit_session: report.session,
    baseline: report.baselineFile,
    new_calls: report.newFindings.map((finding) => ({ abi: finding.summary.abi, syscall: finding.summary.syscall, changelog: changelogLine(finding) })),
    losses: report.losses.map(describeLoss),
    loss_codes: report.losses,
  }, 2)}\n`;
}

function xmlText(text: string): string {
  // XML 1.0 has no way to write most control characters: they become U+FFFD.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `run --junit FILE`: one test case per call outside the filter, one for the records, one for the command (GitLab, Jenkins). */
export function renderRunJunit(report: RunReport): string {
  const cases: string[] = [];
  const testCase = (name: string, failure: string | null): void => {
    cases.push(failure === null
      ? `    <testcase classname="seccomp-explain.run" name="${xmlText(name)}"/>`
      : `    <testcase classname="seccomp-explain.run" name="${xmlText(name)}">\n      <failure message="${xmlText(failure)}">${xmlText(failure)}</failure>\n    </testcase>`);
  };
  for (const { finding } of report.suggestion.findings) {
    const isNew = report.newFindings.includes(finding);
    const where = finding.source ? `${finding.source} ${finding.directive ?? ''}`.trim() : finding.cause;
    const program = finding.summary.exe ?? finding.summary.comm ?? 'an unknown program';
    testCase(`${describeSyscall(finding.summary)} stays inside the filter`, isNew ? `${program} called ${describeSyscall(finding.summary)}, outside the filter (${where}); ${changelogLine(finding)}` : null);
  }
  testCase('the kernel\'s records of the run are complete', report.losses.length > 0 ? report.losses.map(describeLoss).join('; ') : null);
  testCase(`${report.command.join(' ')} succeeds under the filter`, report.exit.code === 'exited' && report.exit.status === 0 ? null : `the command ${describeExit(report.exit)}`);
  const failures = cases.filter((entry) => entry.includes('<failure')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="seccomp-explain run" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="seccomp-explain run" tests="${cases.length}" failures="${failures}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function annotationText(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub Actions workflow commands (`::error`), when GITHUB_ACTIONS=true. */
export function renderRunAnnotations(report: RunReport): string {
  const lines = report.newFindings.map((finding) => {
    const program = finding.summary.exe ?? finding.summary.comm ?? 'an unknown program';
    return `::error title=seccomp-explain run::${annotationText(`${escapeForTerminal(program)} called ${describeSyscall(finding.summary)}, outside the filter: ${changelogLine(finding)}`)}`;
  });
  for (const loss of report.losses) lines.push(`::warning title=seccomp-explain run::${annotationText(describeLoss(loss))}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
