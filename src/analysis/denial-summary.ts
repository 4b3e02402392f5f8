import type { Denial, SeccompAction } from '../decode/index.js';
import type { RecordFormat } from '../records/index.js';

/** How many distinct pids are listed per summary; beyond that they are only counted. */
export const LISTED_PIDS = 20;
/** Distinct pids are counted up to this many per summary, which bounds memory. */
export const COUNTED_PIDS = 10_000;
/** Distinct uids, users, hosts, formats and notes are listed up to this many per summary. */
export const LISTED_VALUES = 100;

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
  notes: string[];
}

function addDistinct<T>(list: T[], value: T | null): void {
  if (value !== null && list.length < LISTED_VALUES && !list.includes(value)) list.push(value);
}

/** What makes events one distinct denial: the same program, ABI, syscall and action. The store keeps it as its group key. */
export function denialGroupKey(denial: Pick<Denial, 'exe' | 'comm' | 'arch' | 'abi' | 'nr' | 'syscall' | 'action'>): string {
  return [denial.exe, denial.comm, denial.arch, denial.abi, denial.nr, denial.syscall, denial.action].join('\u0000');
}

/**
 * Groups events by program, ABI, syscall and action, counting them and keeping when, which
 * processes and which users. Groups come out sorted by first sighting.
 */
export class DenialAggregator {
  private readonly groups = new Map<string, DenialSummary>();
  /** Pids beyond the listed ones, to count distinct pids without listing them all. */
  private readonly extraPids = new Map<string, Set<number>>();

  add(denial: Denial): void {
    const key = denialGroupKey(denial);
    let summary = this.groups.get(key);
    if (!summary) {
      summary = {
        abi: denial.abi, arch: denial.arch, nr: denial.nr, syscall: denial.syscall, action: denial.action,
        exe: denial.exe, comm: denial.comm, count: 0, first: null, last: null,
        pids: [], pidCount: 0, uids: [], users: [], hosts: [], formats: [], notes: [],
      };
      this.groups.set(key, summary);
    }
    summary.count++;
    if (denial.time !== null) {
      if (summary.first === null || denial.time < summary.first) summary.first = denial.time;
      if (summary.last === null || denial.time > summary.last) summary.last = denial.time;
    }
    this.addPid(key, summary, denial.pid);
    addDistinct(summary.uids, denial.uid);
    addDistinct(summary.users, denial.user);
    addDistinct(summary.hosts, denial.host);
    addDistinct(summary.formats, denial.format);
    for (const note of denial.notes) addDistinct(summary.notes, note);
  }

  private addPid(key: string, summary: DenialSummary, pid: number | null): void {
    if (pid === null || summary.pids.includes(pid)) return;
    if (summary.pids.length < LISTED_PIDS) {
      summary.pids.push(pid);
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
