import type { UnenforcedFilter, UnitWarning } from '../systemd/index.js';
import { safeJson } from './explanation-json.js';
import { describeSyscall } from './explanation-text.js';
import { describeLoss, type RecordLoss } from './run-output.js';
import { suggestionFindingBody, suggestionJsonValue, type SuggestionReport } from './suggestion-output.js';
import { escapeForTerminal, formatTime, type Palette } from './terminal-text.js';
import { describeUnitWarning } from './unit-warnings.js';

/** What `learn` asks before it restarts a unit. */
export type RestartQuestion = { code: 'start-learning' | 'enforce-again'; unit: string };

export function describeRestartQuestion(question: RestartQuestion): string {
  const why = question.code === 'start-learning' ? 'learning starts when it does' : 'it enforces its filter again when it does';
  return `restart ${escapeForTerminal(question.unit)} now (${why})? [y/N] `;
}

/** Why what a unit logged while learning may be incomplete. */
export type LearnLoss = RecordLoss;

export interface LearnStartReport {
  unit: string;
  /** The learn drop-in written. */
  path: string;
  since: number;
  unenforced: UnenforcedFilter;
  restarted: boolean;
  losses: LearnLoss[];
  warnings: UnitWarning[];
}

export interface LearnReport {
  unit: string;
  /** The learn drop-in. */
  path: string;
  since: number;
  /** The calls outside the filter the unit made while learning, attributed, and the drop-in that allows them. */
  suggestion: SuggestionReport;
  /** Programs whose logged calls were not tied to the unit (null: the record names none), with their counts. */
  otherPrograms: { program: string | null; count: number }[];
  losses: LearnLoss[];
  /** `learn stop`: the learn drop-in was removed. */
  removed: boolean;
  restarted: boolean;
}

function describeUnenforced(unenforced: UnenforcedFilter): string {
  const where = unenforced.setBy ? ` begun at ${unenforced.setBy.path}:${unenforced.setBy.line}` : '';
  const list = unenforced.mode === 'allow' ? `the allow list${where} (${unenforced.calls} calls)` : `the deny list${where} (${unenforced.calls} calls)`;
  const kept = unenforced.keptDenied.length > 0 ? `; still denied (--keep-deny): ${unenforced.keptDenied.join(' ')}` : '';
  return `no longer enforced: SystemCallFilter=, ${list}; every call outside it is logged instead${kept}`;
}

export function renderLearnStartText(report: LearnStartReport, palette: Palette): string {
  const out = [
    `wrote ${escapeForTerminal(report.path)}`,
    `${escapeForTerminal(report.unit)} learns from ${formatTime(report.since)}: ${describeUnenforced(report.unenforced)}`,
    report.restarted ? `restarted ${escapeForTerminal(report.unit)}` : `learning starts when ${escapeForTerminal(report.unit)} restarts: systemctl restart ${escapeForTerminal(report.unit)}`,
    `then: seccomp-explain learn status ${escapeForTerminal(report.unit)}; when done: seccomp-explain learn stop ${escapeForTerminal(report.unit)} --write`,
  ];
  for (const warning of report.warnings) out.push(palette.warning(`warning: ${escapeForTerminal(describeUnitWarning(warning))}`));
  for (const loss of report.losses) out.push(palette.warning(`warning: ${describeLoss(loss)}`));
  return `${out.join('\n')}\n`;
}

function learnedLines(report: LearnReport, palette: Palette): string[] {
  const findings = report.suggestion.findings;
  const out = [`${escapeForTerminal(report.unit)}: learning since ${formatTime(report.since)} (${escapeForTerminal(report.path)})`];
  if (findings.length === 0) out.push('  no call outside its filter logged so far');
  else {
    out.push(...suggestionFindingBody(report.suggestion, palette));
    for (const { finding } of findings) {
      const summary = finding.summary;
      out.push(palette.dim(`  ${describeSyscall(summary)}: first ${summary.first === null ? '?' : formatTime(summary.first)}, last ${summary.last === null ? '?' : formatTime(summary.last)}`));
    }
  }
  if (report.otherPrograms.length > 0) {
    const named = report.otherPrograms.map(({ program, count }) => `${program === null ? 'an unknown program' : escapeForTerminal(program)} (${count})`).join(', ');
    out.push(palette.dim(`  left out, not tied to ${escapeForTerminal(report.unit)} (another user, or not one of its ExecStart= programs and not running in it now): ${named}`));
  }
  for (const loss of report.losses) out.push(palette.warning(`warning: ${describeLoss(loss)}`));
  return out;
}

export function renderLearnStatusText(reports: LearnReport[], palette: Palette): string {
  return `${reports.map((report) => learnedLines(report, palette).join('\n')).join('\n\n')}\n`;
}

export function renderLearnStopText(report: LearnReport, write: boolean, palette: Palette): string {
  const out = learnedLines(report, palette);
  out.push(`removed ${escapeForTerminal(report.path)}: ${escapeForTerminal(report.unit)} enforces its filter again${report.restarted ? ' (restarted)' : ` once restarted: systemctl restart ${escapeForTerminal(report.unit)}`}`);
  const dropIn = report.suggestion.dropIn;
  if (dropIn === null) {
    if (report.suggestion.findings.length === 0) out.push('nothing was logged: no drop-in needed');
    return `${out.join('\n')}\n`;
  }
  out.push('', `# ${dropIn.path}`, dropIn.text.trimEnd(), '');
  if (report.suggestion.written) out.push(`wrote ${escapeForTerminal(report.suggestion.written.path)}${report.suggestion.written.replaced ? ' (replacing the earlier one)' : ''}`);
  else if (write && report.losses.length > 0) out.push(palette.warning('not written: records may have been lost while it learned (see the warnings); put it in place by hand if it is complete'));
  else if (!write) out.push(`not written: learn stop ${escapeForTerminal(report.unit)} --write would write it`);
  return `${out.join('\n')}\n`;
}

function learnJsonValue(report: LearnReport): Record<string, unknown> {
  return {
    ...suggestionJsonValue(report.suggestion),
    learn_dropin: report.path,
    learning_since: new Date(report.since).toISOString(),
    calls: report.suggestion.findings.map(({ finding }) => ({
      abi: finding.summary.abi, syscall: finding.summary.syscall, count: finding.summary.count,
      first: finding.summary.first === null ? null : new Date(finding.summary.first).toISOString(),
      last: finding.summary.last === null ? null : new Date(finding.summary.last).toISOString(),
    })),
    other_programs: report.otherPrograms,
    losses: report.losses.map(describeLoss),
    loss_codes: report.losses,
    removed: report.removed,
    restarted: report.restarted,
  };
}

/** `learn status --json` (one document per unit, in a list) and `learn stop --json`. */
export function renderLearnJson(reports: LearnReport | LearnReport[]): string {
  return `${safeJson(Array.isArray(reports) ? reports.map(learnJsonValue) : learnJsonValue(reports), 2)}\n`;
}
