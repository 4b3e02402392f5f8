import { noteKey, type Denial, type DenialNote, type SeccompAction } from '../decode/index.js';
import type { RecordFormat } from '../records/index.js';
import { DistinctFingerprints } from './distinct-fingerprints.js';

/** How many distinct pids are listed per summary; beyond that they are only counted. */
export const LISTED_PIDS = 20;
/** Distinct pids are counted up to this many per summary, which bounds memory. */
export const COUNTED_PIDS = 10_000;
/** Distinct uids, users, hosts, formats and notes are listed up to this many per summary. */
export const LISTED_VALUES = 100;
/**
 * Distinct denials listed per run; the groups first met after these are only counted. At this
 * many, explain of 1 000 000 distinct denials stays under 400 MB of memory (docs/benchmarks.md).
 */
export const LISTED_DENIALS = 50_000;
/** Distinct denials past LISTED_DENIALS are counted up to this many, which bounds memory. */
export const COUNTED_OVERFLOW = 1_000_000;

/** All events of one program + ABI + syscall + action. Part of the `--json` interface. */
export interface DenialSummary {
  abi: string | null;
  arch: string | null;
  nr: number | null;
  syscall: string | null;
  action: SeccompAction;
  exe: string | null;
  comm: string | null;
  count: number;
  /** ms since the epoch; null when no event of the group carried a time. */
  first: number | null;
  last: number | null;
  /** Up to LISTED_PIDS distinct pids, in order seen. */
  pids: number[];
  /** Distinct pids seen in all, counted up to COUNTED_PIDS. */
  pidCount: number;
  uids: number[];
  users: string[];
  hosts: string[];
  formats: RecordFormat[];
  notes: DenialNote[];
}

/**
 * The one empty list every summary starts with: most lists of most groups stay empty, and an
 * empty array of their own would cost each summary 32 bytes a list. Frozen, so that nothing
 * can add to it by mistake; withDistinct replaces it on a first value.
 */
const NO_VALUES = Object.freeze([]) as readonly never[] as never[];

/**
 * The list with `value` added if new. A first value makes a list of exactly one element (a
 * push onto an empty array would reserve room for 17), since most lists never get a second.
 */
function withDistinct<T>(list: T[], value: T | null): T[] {
  if (value === null) return list;
  if (list.length === 0) return [ownCopy(value)];
  if (list.length < LISTED_VALUES && !list.includes(value)) list.push(ownCopy(value));
  return list;
}

/** `notes` with `note` added when no equal note is listed yet (up to LISTED_VALUES). */
export function withDistinctNote(notes: DenialNote[], note: DenialNote): DenialNote[] {
  const key = noteKey(note);
  if (notes.length >= LISTED_VALUES || notes.some((listed) => noteKey(listed) === key)) return notes;
  // Its own copy: the decoder's values are slices of the log (below).
  const copy = JSON.parse(key) as DenialNote;
  return notes.length === 0 ? [copy] : [...notes, copy];
}

/**
 * A text that holds only its own characters. The decoder's values are slices of the chunk of
 * log they were read from, and a slice keeps that whole chunk alive: a summary kept for the
 * run must not keep megabytes of log. A JSON round trip makes V8 copy the characters, exactly
 * (lone surrogates too); V8 copies slices shorter than 13 characters itself.
 */
function ownCopy<T>(value: T): T {
  if (typeof value !== 'string' || value.length < 13) return value;
  return JSON.parse(JSON.stringify(value)) as T;
}

/** What makes events one distinct denial: the same program, ABI, syscall and action. The store keeps it as its group key. */
export function denialGroupKey(denial: Pick<Denial, 'exe' | 'comm' | 'arch' | 'abi' | 'nr' | 'syscall' | 'action'>): string {
  return [denial.exe, denial.comm, denial.arch, denial.abi, denial.nr, denial.syscall, denial.action].join('\u0000');
}

/**
 * Groups events by program, ABI, syscall and action, counting them and keeping when, which
 * processes and which users. Groups come out sorted by first sighting. The first
 * `listedLimit` groups met are kept; events of groups met later are only counted
 * (`overflow`), so memory stays bounded whatever the input.
 */
export class DenialAggregator {
  private readonly groups = new Map<string, DenialSummary>();
  /** Pids beyond the listed ones, to count distinct pids without listing them all. */
  private readonly extraPids = new Map<string, Set<number>>();
  private readonly overflowGroups = new DistinctFingerprints(COUNTED_OVERFLOW);

  constructor(private readonly listedLimit = LISTED_DENIALS) {}

  /** Distinct denials met after the first `listedLimit`, not listed: counted up to COUNTED_OVERFLOW. */
  get overflow(): number {
    return this.overflowGroups.count;
  }

  add(denial: Denial): void {
    const key = denialGroupKey(denial);
    let summary = this.groups.get(key);
    if (!summary) {
      if (this.groups.size >= this.listedLimit) {
        this.overflowGroups.add(key);
        return;
      }
      summary = {
        abi: denial.abi, arch: ownCopy(denial.arch), nr: denial.nr, syscall: denial.syscall, action: denial.action,
        exe: ownCopy(denial.exe), comm: ownCopy(denial.comm), count: 0, first: null, last: null,
        pids: NO_VALUES, pidCount: 0, uids: NO_VALUES, users: NO_VALUES, hosts: NO_VALUES, formats: NO_VALUES, notes: NO_VALUES,
      };
      this.groups.set(key, summary);
    }
    summary.count++;
    if (denial.time !== null) {
      if (summary.first === null || denial.time < summary.first) summary.first = denial.time;
      if (summary.last === null || denial.time > summary.last) summary.last = denial.time;
    }
    this.addPid(key, summary, denial.pid);
    summary.uids = withDistinct(summary.uids, denial.uid);
    summary.users = withDistinct(summary.users, denial.user);
    summary.hosts = withDistinct(summary.hosts, denial.host);
    summary.formats = withDistinct(summary.formats, denial.format);
    for (const note of denial.notes) summary.notes = withDistinctNote(summary.notes, note);
  }

  private addPid(key: string, summary: DenialSummary, pid: number | null): void {
    if (pid === null || summary.pids.includes(pid)) return;
    if (summary.pids.length < LISTED_PIDS) {
      if (summary.pids.length === 0) summary.pids = [pid];
      else summary.pids.push(pid);
      summary.pidCount++;
      return;
    }
    let extra = this.extraPids.get(key);
    if (!extra) this.extraPids.set(key, (extra = new Set()));
    if (!extra.has(pid) && summary.pidCount < COUNTED_PIDS) {
      extra.add(pid);
      summary.pidCount++;
    }
  }

  /** The summaries, earliest first; groups without any time keep their order, after the rest. */
  summaries(): DenialSummary[] {
    return [...this.groups.values()].sort((a, b) => (a.first ?? Infinity) - (b.first ?? Infinity));
  }
}
