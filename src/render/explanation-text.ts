import { describeNote } from './denial-notes.js';
import { COUNTED_OVERFLOW, LISTED_DENIALS, type DenialSummary, type ExplainStats } from '../analysis/index.js';
import type { Denial, SeccompAction } from '../decode/index.js';
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
  return `${formatTime(denial.time)}  ${palette.syscall(describeSyscall(denial))}  ${palette.action(escapeForTerminal(denial.action), denial.action)}  ${program}${who}${host}\n`;
}

function describePids(summary: DenialSummary): string {
  if (summary.pids.length === 0) return '';
  const more = summary.pidCount > summary.pids.length ? ` … (${formatCount(summary.pidCount)} in all)` : '';
  return `  pids ${summary.pids.join(' ')}${more}`;
}

/** What explain's text adds beyond the blocks and the count, and where the counts came from. */
export interface ExplanationGuide {
  /** A line on what each action met means, after the blocks. */
  actionMeanings?: boolean;
  /** Units systemd logged a SIGSYS exit of: a closing hint names `suggest` for them. */
  units?: string[];
  /** The inputs as named (none: standard input), for the hint's command. */
  files?: string[];
  /** The counts are the history store's (`report`, `explain --from-db`), not a log's. */
  fromStore?: boolean;
  /** Named inputs that are not text, which the closing line names. */
  notText?: NotTextInput[];
}

/** A named input that holds bytes no log holds. */
export interface NotTextInput {
  path: string;
  /** `journal-file`: a journald file, which journalctl reads; `binary`: anything else. */
  kind: 'journal-file' | 'binary';
}

/** What each action did to the program, one short line each (`explain` prints those it met). */
const ACTION_MEANINGS: Record<SeccompAction, string> = {
  kill_process: 'the whole process was killed with SIGSYS at this call',
  kill_thread: 'the calling thread was killed with SIGSYS (the whole process, when it had one thread)',
  trap: 'the thread got SIGSYS at this call; the program\'s own handler decided what came next',
  errno: 'the call failed with an error number and the program went on (the record does not say which error)',
  user_notif: 'the call was handed to a supervising process (a container runtime, say), which chose its result',
  trace: 'the call was handed to a ptrace tracer; without one it failed with ENOSYS',
  log: 'the call was allowed and only logged: nothing was stopped',
  allow: 'the call was allowed (an audit rule logged it): nothing was stopped',
  unknown: 'code= names no action seccomp defines: the record is damaged or from a newer kernel',
};

/** `kill_process: the whole process was killed with SIGSYS at this call`. */
export function describeActionMeaning(action: SeccompAction): string {
  return `${action}: ${ACTION_MEANINGS[action]}`;
}

/** The closing hint: suggest finds the setting that blocked a unit's calls, and the drop-in that fixes it. */
export function describeSuggestHint(units: string[], files: string[]): string {
  const named = units.map(escapeForTerminal);
  const input = files.length > 0 ? files.map(escapeForTerminal).join(' ') : '< the same input';
  const unit = units.length === 1 ? named[0] : 'UNIT';
  const each = units.length === 1 ? '' : ' (for each)';
  return `next: systemd says ${named.join(', ')} died of SIGSYS; \`seccomp-explain suggest --unit ${unit} ${input}\`${each} names the setting that blocked the call and the drop-in that fixes it`;
}

/** The human explanation, one block per distinct denial then a closing count, a block at a time, so that no more than a block is built at once. */
export function* explanationTextChunks(summaries: DenialSummary[], stats: ExplainStats, palette: Palette, attribution: UnitAttribution | null = null, guide: ExplanationGuide = {}): Generator<string> {
  if (attribution) yield `${palette.dim(`unit ${escapeForTerminal(attribution.unit)}`)}\n`;
  const actions = new Set<SeccompAction>();
  for (const summary of summaries) {
    actions.add(summary.action);
    const out = [
      `${palette.syscall(describeSyscall(summary))}  ${palette.action(escapeForTerminal(summary.action), summary.action)}  ${summary.count}×  ${describeProgram(summary)}`,
    ];
    const hosts = summary.hosts.length > 0 ? `  host ${summary.hosts.map(escapeForTerminal).join(',')}` : '';
    out.push(palette.dim(`  first ${formatTime(summary.first)}  last ${formatTime(summary.last)}${describePids(summary)}${hosts}`));
    for (const note of summary.notes) out.push(palette.warning(`  note: ${escapeForTerminal(describeNote(note))}`));
    const finding = attribution?.findings.get(summary);
    if (finding) out.push(...attributionLines(finding, [], palette));
    yield `${out.join('\n')}\n`;
  }
  if (guide.actionMeanings) {
    const meanings = [...actions].sort().map((action) => palette.dim(describeActionMeaning(action)));
    if (meanings.length > 0) yield `${meanings.join('\n')}\n`;
  }
  if (!attribution && guide.units !== undefined && guide.units.length > 0) yield `${palette.fix(describeSuggestHint(guide.units, guide.files ?? []))}\n`;
  yield `${describeStats(summaries.length, stats, guide)}\n`;
}

/** A named input that is not text, said on stderr. */
export function describeNotText(input: NotTextInput): string {
  const path = escapeForTerminal(input.path);
  if (input.kind === 'journal-file') return `${path} is not text but a journald file: journalctl --file ${path} -o json | seccomp-explain`;
  return `${path} is not text: it holds NUL bytes, as no log does (records in it, if any, may be damaged)`;
}

/** The closing line of an empty history store, or of one the filters left nothing of (`report`, `explain --from-db`). */
export function describeEmptyStore(): string {
  return 'no seccomp events in the store (or none the filters let through): ingest or watch a log first';
}

function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** `2 distinct denials from 5 seccomp records in 1,204 lines`. */
export function describeStats(distinct: number, stats: ExplainStats, guide: Pick<ExplanationGuide, 'fromStore' | 'notText'> = {}): string {
  if (stats.records === 0) {
    if (guide.fromStore) return describeEmptyStore();
    if (guide.notText !== undefined && guide.notText.length > 0) {
      return `no seccomp records: ${guide.notText.map((input) => escapeForTerminal(input.path)).join(', ')} ${guide.notText.length === 1 ? 'is' : 'are'} not text`;
    }
    if (stats.lines === 0) return 'no seccomp records: the input was empty';
    return `no seccomp records in ${plural(stats.lines, 'line', 'lines')}`;
  }
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

/** What `ingest` counted: events new to the store, events it held already, and second sightings within the input. */
export interface IngestCounts {
  added: number;
  /** Events the store held before this ingest. */
  known: number;
  /** Second sightings of one event within the input (the kernel's line and journald's copy). */
  seenTwice: number;
  malformed: number;
  path: string;
}

/** `ingested 2 records: 1 new denial, 0 already known, 1 seen twice in the input, 0 malformed (PATH)`. */
export function describeIngest(counts: IngestCounts): string {
  const records = counts.added + counts.known + counts.seenTwice;
  const parts = [
    plural(counts.added, 'new denial', 'new denials'),
    `${formatCount(counts.known)} already known`,
    ...(counts.seenTwice > 0 ? [`${formatCount(counts.seenTwice)} seen twice in the input`] : []),
    `${formatCount(counts.malformed)} malformed`,
  ];
  return `ingested ${plural(records, 'record', 'records')}: ${parts.join(', ')} (${escapeForTerminal(counts.path)})`;
}
