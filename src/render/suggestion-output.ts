import type { DenialSummary } from '../analysis/index.js';
import type { DropInSuggestion, Finding } from '../systemd/index.js';
import { describeSyscall } from './explanation-text.js';
import { escapeForTerminal, formatTime, type Palette } from './terminal-text.js';

export interface SuggestionReport {
  unit: string;
  howFound: string;
  groupsSource: string;
  findings: { finding: Finding; broader: string[] }[];
  dropIn: DropInSuggestion | null;
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
  const lines: string[] = [];
  const summary = finding.summary;
  lines.push(`${describeSyscall(summary)}  ${summary.action}  ${summary.count}×  ${escapeForTerminal(summary.exe ?? summary.comm ?? 'unknown program')}`);
  switch (finding.cause) {
    case 'SystemCallFilter':
      lines.push(`  blocked by ${finding.source ?? '?'} ${finding.directive ?? ''}${finding.via ? ` (through ${finding.via})` : ''}`);
      lines.push(`  ${finding.explanation}`);
      lines.push(`  fix: SystemCallFilter=${finding.allow ?? ''}`);
      if (broader.length > 0 && finding.via) {
        const shown = broader.slice(0, 12).join(' ');
        lines.push(`  removing ${finding.via} instead would also allow ${broader.length} other ${broader.length === 1 ? 'syscall' : 'syscalls'}: ${shown}${broader.length > 12 ? ' …' : ''}`);
      }
      break;
    case 'SystemCallArchitectures':
      lines.push(`  blocked by ${finding.source ?? '?'} ${finding.directive ?? ''}`);
      lines.push(`  ${finding.explanation}`);
      lines.push(`  fix: SystemCallArchitectures=${finding.allow ?? ''} (the list is additive: what it admits now stays)`);
      break;
    default:
      lines.push(`  ${finding.explanation}`);
  }
  return lines;
}

/** The human report: each finding, then the drop-in and how to apply it. */
export function renderSuggestionText(report: SuggestionReport, palette: Palette): string {
  const out = [palette.dim(`unit ${report.unit} (${report.howFound}); groups: ${report.groupsSource}`)];
  for (const { finding, broader } of report.findings) out.push(...describeFinding(finding, broader));
  for (const warning of report.warnings) out.push(palette.warning(`warning: ${escapeForTerminal(warning)}`));
  if (report.dropIn) {
    out.push('', `# ${report.dropIn.path}`, report.dropIn.text.trimEnd(), '', `then: systemctl daemon-reload && systemctl restart ${report.unit}`);
  } else {
    out.push('', 'no drop-in: nothing here that a change to this unit would fix');
  }
  return `${out.join('\n')}\n`;
}

/** `suggest --json`. Part of the public interface (README). */
export function renderSuggestionJson(report: SuggestionReport): string {
  const added = report.dropIn?.added ?? {};
  return `${JSON.stringify({
    unit: report.unit,
    how_found: report.howFound,
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
    warnings: report.warnings,
  }, null, 2)}\n`;
}
