import type { DenialSummary } from '../analysis/index.js';
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
  findings: { finding: Finding; broader: string[] }[];
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

function describeFinding(finding: Finding, broader: string[]): string[] {
  const summary = finding.summary;
  return [
    `${describeSyscall(summary)}  ${escapeForTerminal(summary.action)}  ${summary.count}×  ${escapeForTerminal(summary.exe ?? summary.comm ?? 'unknown program')}`,
    ...attributionLines(finding, broader),
  ];
}

/** The human report: each finding, then the drop-in and how to apply it. */
export function renderSuggestionText(report: SuggestionReport, palette: Palette): string {
  const out = [
    palette.dim(`unit ${escapeForTerminal(report.unit)}: ${escapeForTerminal(report.howFound)}`),
    palette.dim(`files: ${escapeForTerminal(report.filesFrom)}; groups: ${escapeForTerminal(report.groupsSource)}`),
  ];
  for (const { finding, broader } of report.findings) out.push(...describeFinding(finding, broader));
  for (const warning of report.warnings) out.push(palette.warning(`warning: ${escapeForTerminal(warning)}`));
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
    findings: report.findings.map(({ finding, broader }) => ({
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
    })),
    added,
    architectures: report.dropIn?.architectures ?? [],
    written: report.written,
    warnings: report.warnings,
  }, 2)}\n`;
}
