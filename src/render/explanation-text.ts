import { describeNote } from './denial-notes.js';
import { COUNTED_OVERFLOW, LISTED_DENIALS, type DenialSummary, type ExplainStats } from '../analysis/index.js';
import type { Denial } from '../decode/index.js';
import { attributionLines } from './attribution-text.js';
import type { UnitAttribution } from './explanation-json.js';
import { escapeForTerminal, formatCount, formatTime, type Palette } from './terminal-text.js';

/** `setrlimit (x86_64 #160)`, or what is known when a table lacks the ABI or number. */
export function describeSyscall(summary: Pick<DenialSummary, 'abi' | 'arch' | 'nr' | 'syscall'>): string {
  // The store's values are read back from a file anyone may have written: escaped like log text.
  const number = summary.nr === null ? '?' : `#${summary.nr}`;
  if (summary.abi === null) return `syscall ${number} (arch ${escapeForTerminal(summary.arch ?? 'unknown')}, no table has this arch)`;
  const abi = escapeForTerminal(summary.abi);
  if (summary.syscall === null) return `unknown syscall (${abi} ${number}, not in our ${abi} table)`;
  return `${escapeForTerminal(summary.syscall)} (${abi} ${number})`;
}

function describeProgram(summary: DenialSummary): string {
  const who: string[] = [];
  if (summary.comm !== null && summary.exe !== null) who.push(`comm ${escapeForTerminal(summary.comm)}`);
  if (summary.uids.length > 0) who.push(`uid ${summary.uids.join(',')}`);
  else if (summary.users.length > 0) who.push(`user ${summary.users.map(escapeForTerminal).join(',')}`);
  const program = summary.exe ?? summary.comm;
  const name = program === null ? 'unknown program' : escapeForTerminal(program);
  return who.length > 0 ? `${name} (${who.join(', ')})` : name;
}

/** `watch`: one event as one line, when its denial is new. */
export function renderDenialLine(denial: Denial, palette: Palette): string {
  const program = escapeForTerminal(denial.exe ?? denial.comm ?? 'unknown program');
  const who = denial.uid !== null ? ` uid ${denial.uid}` : denial.user !== null ? ` user ${escapeForTerminal(denial.user)}` : '';
  const host = denial.host !== null ? ` on ${escapeForTerminal(denial.host)}` : '';
  return `${formatTime(denial.time)}  ${palette.syscall(describeSyscall(denial))}  ${palette.action(escapeForTerminal(denial.action))}  ${program}${who}${host}\n`;
}

function describePids(summary: DenialSummary): string {
  if (summary.pids.length === 0) return '';
  const more = summary.pidCount > summary.pids.length ? ` … (${formatCount(summary.pidCount)} in all)` : '';
  return `  pids ${summary.pids.join(' ')}${more}`;
}

/** The human explanation: one block per distinct denial, then a closing count. */
export function renderExplanationText(summaries: DenialSummary[], stats: ExplainStats, palette: Palette, attribution: UnitAttribution | null = null): string {
  return [...explanationTextChunks(summaries, stats, palette, attribution)].join('');
}

/** renderExplanationText's text, a block at a time, so that no more than a block is built at once. */
export function* explanationTextChunks(summaries: DenialSummary[], stats: ExplainStats, palette: Palette, attribution: UnitAttribution | null = null): Generator<string> {
  if (attribution) yield `${palette.dim(`unit ${escapeForTerminal(attribution.unit)}`)}\n`;
  for (const summary of summaries) {
    const out = [
      `${palette.syscall(describeSyscall(summary))}  ${palette.action(escapeForTerminal(summary.action))}  ${summary.count}×  ${describeProgram(summary)}`,
    ];
    const hosts = summary.hosts.length > 0 ? `  host ${summary.hosts.map(escapeForTerminal).join(',')}` : '';
    out.push(palette.dim(`  first ${formatTime(summary.first)}  last ${formatTime(summary.last)}${describePids(summary)}${hosts}`));
    for (const note of summary.notes) out.push(palette.warning(`  note: ${escapeForTerminal(describeNote(note))}`));
    const finding = attribution?.findings.get(summary);
    if (finding) out.push(...attributionLines(finding));
    yield `${out.join('\n')}\n`;
  }
  yield `${describeStats(summaries.length, stats)}\n`;
}

function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** `2 distinct denials from 5 seccomp records in 1 204 lines`. */
export function describeStats(distinct: number, stats: ExplainStats): string {
  if (stats.records === 0) return `no seccomp records in ${plural(stats.lines, 'line', 'lines')}`;
  // The store's counts have no lines: its events were read before.
  const where = stats.lines > 0 ? ` in ${plural(stats.lines, 'line', 'lines')}` : '';
  const parts = [`${plural(distinct, 'distinct denial', 'distinct denials')} from ${plural(stats.records, 'seccomp record', 'seccomp records')}${where}`];
  if (stats.duplicates > 0) parts.push(`${plural(stats.duplicates, 'record', 'records')} seen twice counted once`);
  if (stats.filtered > 0) parts.push(`${plural(stats.filtered, 'event', 'events')} left out by filters`);
  if (stats.overflow > 0) parts.push(`${overflowCount(stats.overflow)} more distinct ${stats.overflow === 1 ? 'denial' : 'denials'} not listed`);
  return parts.join('; ');
}

function overflowCount(overflow: number): string {
  return overflow >= COUNTED_OVERFLOW ? `at least ${formatCount(overflow)}` : formatCount(overflow);
}

/** The stderr line when distinct denials past LISTED_DENIALS were counted and not listed. */
export function describeOverflow(stats: ExplainStats): string {
  return `${overflowCount(stats.overflow)} more distinct ${stats.overflow === 1 ? 'denial was' : 'denials were'} counted, not listed: `
    + `only the first ${formatCount(LISTED_DENIALS)} are kept, to bound memory (narrow the input with --exe, --comm, --since or --until)`;
}
