import { isTrusted, type DenialSummary, type Verification } from '../analysis/index.js';
import type { DropInSuggestion, Finding, GroupTableSource, UnitUser } from '../systemd/index.js';
import { describeSyscall } from './explanation-text.js';
import { findingAttributionJson, safeJson } from './explanation-json.js';
import { attributionLines } from './attribution-text.js';
import { describeGroupTableSource } from './group-table-source.js';
import { describeSuggestWarning, type SuggestWarning } from './suggest-warnings.js';
import { escapeForTerminal, formatTime, type Palette } from './terminal-text.js';

/** Why `--write` left a finding out of the drop-in (docs/security.md). Part of `suggest --json`. */
export type WithheldReason =
  /** Nothing proves the kernel or auditd logged its records. */
  | { code: 'unverified' }
  /** Its trusted records are of processes that cannot be the unit's: another user's. */
  | { code: 'other-user'; uids: (number | null)[]; user: UnitUser; userId: number | null };

export interface SuggestionReport {
  unit: string;
  /** How the unit was found: named, or the journal entry or ExecStart= line that tied it to the denials. */
  howFound: string;
  /** Where the unit's files were read. */
  filesFrom: string;
  groupsSource: GroupTableSource;
  findings: {
    finding: Finding;
    broader: string[];
    /** What vouches for the records behind it (docs/security.md). */
    verification: Verification;
    /** Why --write left it out of the drop-in, or null. */
    withheld: WithheldReason | null;
  }[];
  dropIn: DropInSuggestion | null;
  /** The file `--write` wrote, and whether it replaced our earlier one. */
  written: { path: string; replaced: boolean } | null;
  /** `--root`, when the unit lives in another root. */
  root: string | null;
  warnings: SuggestWarning[];
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
      if (verification.reason === 'repaired-paste') return 'read leniently as pasted text (quoted, marked up, wrapped or cut), and found in neither the journal nor auditd\'s log: only a matching entry there can vouch for it';
      if (verification.reason === 'journal-copy') return 'journal JSON that seccomp-explain did not read from the journal itself, and found in neither the journal nor auditd\'s log';
      return 'a text line that any local user could have logged, found in neither the journal nor auditd\'s log';
    case 'impossible-sender':
      return `logged by ${escapeForTerminal(verification.sender)}, which is not the kernel`;
    default:
      return 'verified';
  }
}

function describeUnitUser(user: UnitUser, userId: number | null): string {
  if (user.code === 'root') return 'root';
  if (user.code === 'dynamic') return 'a dynamic user';
  const name = `user ${escapeForTerminal(user.name)}`;
  return userId === null ? `${name}, whose uid could not be looked up` : `${name} (uid ${userId})`;
}

function withheldLine(reason: WithheldReason, verification: Verification, unit: string): string {
  if (reason.code === 'unverified') return `  not written, unverified: ${unverifiedBecause(verification)}`;
  const uids = reason.uids.map((uid) => (uid === null ? 'no uid' : `uid ${uid}`)).join(', ');
  return `  not written: the kernel logged it for ${uids}, and ${escapeForTerminal(unit)} runs as ${describeUnitUser(reason.user, reason.userId)}`;
}

function describeFinding(entry: SuggestionReport['findings'][number], unit: string, palette: Palette): string[] {
  const { finding, broader } = entry;
  const summary = finding.summary;
  return [
    `${palette.syscall(describeSyscall(summary))}  ${palette.action(escapeForTerminal(summary.action), summary.action)}  ${summary.count}×  ${escapeForTerminal(summary.exe ?? summary.comm ?? 'unknown program')}`,
    ...attributionLines(finding, broader, palette),
    ...(entry.withheld ? [palette.warning(withheldLine(entry.withheld, entry.verification, unit))] : []),
  ];
}

/** The report's head: the unit, each finding and the warnings; run shows them too. */
export function suggestionFindingLines(report: SuggestionReport, palette: Palette): string[] {
  return [
    palette.dim(`unit ${escapeForTerminal(report.unit)}: ${escapeForTerminal(report.howFound)}`),
    palette.dim(`files: ${escapeForTerminal(report.filesFrom)}; groups: ${escapeForTerminal(describeGroupTableSource(report.groupsSource))}`),
    ...suggestionFindingBody(report, palette),
  ];
}

/** Each finding and the warnings, without the head that names the unit (learn names it its own way). */
export function suggestionFindingBody(report: SuggestionReport, palette: Palette): string[] {
  const out: string[] = [];
  for (const entry of report.findings) out.push(...describeFinding(entry, report.unit, palette));
  for (const warning of report.warnings) out.push(palette.warning(`warning: ${escapeForTerminal(describeSuggestWarning(warning))}`));
  const unverified = report.findings.filter((entry) => entry.withheld?.code === 'unverified').length;
  if (unverified > 0) {
    out.push(palette.warning(`warning: ${unverified} ${unverified === 1 ? 'call was' : 'calls were'} left out of the drop-in: nothing proves the kernel logged ${unverified === 1 ? 'it' : 'them'}. Run this on the host that logged ${unverified === 1 ? 'it' : 'them'} (or give --root an image with its journal), name auditd's log, or, for a log whose origin you know, --trust-input (docs/security.md)`));
  }
  return out;
}

/** The human report: each finding, then the drop-in and how to apply it. */
export function renderSuggestionText(report: SuggestionReport, palette: Palette): string {
  const out = suggestionFindingLines(report, palette);
  if (report.dropIn) {
    out.push('', `# ${report.dropIn.path}`, report.dropIn.text.trimEnd(), '');
    if (report.written) out.push(`wrote ${report.written.path}${report.written.replaced ? ' (replacing the earlier one)' : ''}`);
    const where = report.root ? ` (on the system under ${report.root})` : '';
    out.push(`${report.written ? 'now' : 'then'}${where}: systemctl daemon-reload && systemctl restart ${report.unit}`);
  } else if (report.findings.length === 0) {
    out.push('', `no drop-in: none of the denials was taken for ${escapeForTerminal(report.unit)} (see the warning above)`);
  } else {
    out.push('', 'no drop-in: nothing here that a change to this unit would fix');
  }
  return `${out.join('\n')}\n`;
}

/** `suggest --json`. Part of the public interface (README). */
export function renderSuggestionJson(report: SuggestionReport): string {
  return `${safeJson(suggestionJsonValue(report), 2)}\n`;
}

/** The value `suggest --json` prints; run's JSON is this and more. */
export function suggestionJsonValue(report: SuggestionReport): Record<string, unknown> {
  const added = report.dropIn?.added ?? {};
  return {
    unit: report.unit,
    how_found: report.howFound,
    files_from: report.filesFrom,
    groups: describeGroupTableSource(report.groupsSource),
    groups_code: report.groupsSource,
    dropin: report.dropIn ? { path: report.dropIn.path, text: report.dropIn.text } : null,
    findings: report.findings.map(({ finding, broader, verification, withheld }) => ({
      abi: finding.summary.abi,
      syscall: finding.summary.syscall,
      nr: finding.summary.nr,
      action: finding.summary.action,
      count: finding.summary.count,
      ...findingAttributionJson(finding),
      broader,
      verified: isTrusted(verification),
      verification,
      withheld,
    })),
    added,
    architectures: report.dropIn?.architectures ?? [],
    written: report.written,
    warnings: report.warnings.map(describeSuggestWarning),
    warning_codes: report.warnings,
  };
}
