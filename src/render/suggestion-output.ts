import { isTrusted, type DenialSummary, type Verification } from '../analysis/index.js';
import type { DropInSuggestion, Finding } from '../systemd/index.js';
import { describeSyscall } from './explanation-text.js';
import { safeJson } from './explanation-json.js';
import { attributionLines } from './attribution-text.js';
import { escapeForTerminal, formatTime, type Palette } from './terminal-text.js';

export interface SuggestionReport {
  unit: string;
  /** How the unit was found: named, or the journal entry or ExecStart= line that tied it to the denials. */
  howFound: string;
  /** Where the unit's files were read. */
  filesFrom: string;
  groupsSource: string;
  findings: {
    finding: Finding;
    broader: string[];
    /** What vouches for the records behind it (docs/security.md). */
    verification: Verification;
    /** True when --write left it out because nothing proves its records. */
    withheld: boolean;
  }[];
  dropIn: DropInSuggestion | null;
  /** The file `--write` wrote, and whether it replaced our earlier one. */
  written: { path: string; replaced: boolean } | null;
  /** `--root`, when the unit lives in another root. */
  root: string | null;
  warnings: string[];
}

/** `Written by … from 3 denials of setrlimit (x86_64 #160), first 2023-03-16 14:12:30Z`. */
export function dropInHeader(version: string, summaries: DenialSummary[]): string {
  const count = summaries.reduce((sum, summary) => sum + summary.count, 0);
  const calls = [...new Set(summaries.map((summary) => describeSyscall(summary)))].join(', ');
  const first = Math.min(...summaries.map((summary) => summary.first ?? Infinity));
  const when = Number.isFinite(first) ? `, first ${formatTime(first)}` : '';
  return `# Written by seccomp-explain ${version} from ${count} ${count === 1 ? 'denial' : 'denials'} of ${calls}${when}`;
}

/** Why nothing vouches for a finding's records, in words. */
function unverifiedBecause(verification: Verification): string {
  switch (verification.code) {
    case 'unverified':
      if (verification.reason === 'stored') return 'read from the store, and found in neither the journal nor auditd\'s log';
      if (verification.reason === 'journal-client') return 'a journal entry that any local program could have sent';
      return 'a text line that any local user could have logged, found in neither the journal nor auditd\'s log';
    case 'impossible-sender':
      return `logged by ${escapeForTerminal(verification.sender)}, which is not the kernel`;
    default:
      return 'verified';
  }
}

function describeFinding(entry: SuggestionReport['findings'][number], palette: Palette): string[] {
  const { finding, broader } = entry;
  const summary = finding.summary;
  return [
    `${describeSyscall(summary)}  ${escapeForTerminal(summary.action)}  ${summary.count}×  ${escapeForTerminal(summary.exe ?? summary.comm ?? 'unknown program')}`,
    ...attributionLines(finding, broader),
    ...(entry.withheld ? [palette.warning(`  not written, unverified: ${unverifiedBecause(entry.verification)}`)] : []),
  ];
}


/** The human report: each finding, then the drop-in and how to apply it. */
export function renderSuggestionText(report: SuggestionReport, palette: Palette): string {
  const out = [
    palette.dim(`unit ${escapeForTerminal(report.unit)}: ${escapeForTerminal(report.howFound)}`),
    palette.dim(`files: ${escapeForTerminal(report.filesFrom)}; groups: ${escapeForTerminal(report.groupsSource)}`),
  ];
  for (const entry of report.findings) out.push(...describeFinding(entry, palette));
  for (const warning of report.warnings) out.push(palette.warning(`warning: ${escapeForTerminal(warning)}`));
  const withheld = report.findings.filter((entry) => entry.withheld).length;
  if (withheld > 0) {
    out.push(palette.warning(`warning: ${withheld} ${withheld === 1 ? 'call was' : 'calls were'} left out of the drop-in: nothing proves the kernel logged ${withheld === 1 ? 'it' : 'them'}. Feed the journal as JSON (journalctl -o json), auditd's log, or run on the host that logged them; --trust-input takes a log whose origin you know as it is (docs/security.md)`));
  }
  if (report.dropIn) {
    out.push('', `# ${report.dropIn.path}`, report.dropIn.text.trimEnd(), '');
    if (report.written) out.push(`wrote ${report.written.path}${report.written.replaced ? ' (replacing the earlier one)' : ''}`);
    const where = report.root ? ` (on the system under ${report.root})` : '';
    out.push(`${report.written ? 'now' : 'then'}${where}: systemctl daemon-reload && systemctl restart ${report.unit}`);
  } else {
    out.push('', 'no drop-in: nothing here that a change to this unit would fix');
  }
  return `${out.join('\n')}\n`;
}

/** `suggest --json`. Part of the public interface (README). */
export function renderSuggestionJson(report: SuggestionReport): string {
  const added = report.dropIn?.added ?? {};
  return `${safeJson({
    unit: report.unit,
    how_found: report.howFound,
    files_from: report.filesFrom,
    groups: report.groupsSource,
    dropin: report.dropIn ? { path: report.dropIn.path, text: report.dropIn.text } : null,
    findings: report.findings.map(({ finding, broader, verification, withheld }) => ({
      abi: finding.summary.abi,
      syscall: finding.summary.syscall,
      nr: finding.summary.nr,
      action: finding.summary.action,
      count: finding.summary.count,
      cause: finding.cause,
      directive: finding.directive,
      source: finding.source,
      via: finding.via,
      allow: finding.allow,
      explanation: finding.explanation,
      broader,
      verified: isTrusted(verification),
      verification,
      withheld,
    })),
    added,
    architectures: report.dropIn?.architectures ?? [],
    written: report.written,
    warnings: report.warnings,
  }, 2)}\n`;
}
