import type Database from 'better-sqlite3';
import { COUNTED_PIDS, LISTED_DENIALS, LISTED_PIDS, LISTED_VALUES, withDistinctNote, type DenialSummary, type ExplainStats } from '../../analysis/index.js';
import type { DenialGroups, EventContexts } from './denial-dictionaries.js';
import type { StoredDenialFilter, StoredExplanation } from '../denial-history.js';
import { eventCondition } from './store-filter.js';
import { storedInteger, storedTime } from './stored-values.js';

interface GroupTotals {
  group_id: number;
  count: number;
  first: number | null;
  last: number | null;
  /** The group's first event stored: where explain would have met the group first. */
  first_id: number;
}

function addDistinct<T>(list: T[], value: T | null): void {
  if (value !== null && list.length < LISTED_VALUES && !list.includes(value)) list.push(value);
}

/**
 * The stored events as DenialSummary, as DenialAggregator would make them of the same events:
 * grouped alike, counted once each, the same limits on what is listed. Values are listed in
 * order of time (events without a time first), where explain lists them in order read.
 *
 * SQLite does the work over the `event_report` covering index: one pass for the counts and
 * times of every group, then per group the distinct pids and contexts in index order (time),
 * each pass stopping at the most that can be listed or counted.
 */
export function storedExplanation(db: Database.Database, groups: DenialGroups, contexts: EventContexts, filter: StoredDenialFilter): StoredExplanation {
  const total = db.prepare('SELECT count(*) FROM event').pluck().get() as number;
  const condition = eventCondition(db, filter);
  if (condition === null) return { summaries: [], stats: storeStats(total, 0) };

  // DenialAggregator's order: by first time, ties (and groups without a time) in the order met;
  // and its limit: the first LISTED_DENIALS groups met are listed, the rest only counted.
  const totals: GroupTotals[] = [];
  let matched = 0;
  let overflow = 0;
  for (const row of db.prepare(`
    SELECT group_id, count(*) AS count, min(time) AS first, max(time) AS last, min(id) AS first_id
    FROM event INDEXED BY event_report WHERE ${condition.sql} GROUP BY group_id ORDER BY first_id`).iterate(...condition.params) as IterableIterator<GroupTotals>) {
    matched += row.count;
    if (totals.length < LISTED_DENIALS) totals.push(row);
    else overflow++;
  }
  const distinctPids = db.prepare(`
    SELECT DISTINCT pid FROM event INDEXED BY event_report
    WHERE group_id = ? AND pid IS NOT NULL AND ${condition.sql} LIMIT ${COUNTED_PIDS}`).pluck();
  const distinctContexts = db.prepare(`
    SELECT DISTINCT context_id FROM event INDEXED BY event_report
    WHERE group_id = ? AND ${condition.sql} LIMIT ${COUNTED_PIDS}`).pluck();

  const summaries = totals.map((row): DenialSummary => {
    const group = groups.get(row.group_id);
    const where = `the events of denial_group ${row.group_id}`;
    const pids = (distinctPids.all(row.group_id, ...condition.params) as unknown[]).map((pid) => storedInteger(pid, `a pid of ${where}`) as number);
    const first = storedTime(row.first, `the first time of ${where}`);
    const last = storedTime(row.last, `the last time of ${where}`);
    const summary: DenialSummary = {
      abi: group.abi, arch: group.arch, nr: group.nr, syscall: group.syscall, action: group.action,
      exe: group.exe, comm: group.comm, count: row.count, first, last,
      pids: pids.slice(0, LISTED_PIDS), pidCount: Math.min(pids.length, COUNTED_PIDS),
      uids: [], users: [], hosts: [], formats: [], notes: [],
    };
    for (const contextId of distinctContexts.all(row.group_id, ...condition.params) as unknown[]) {
      const context = contexts.get(storedInteger(contextId, `a context of ${where}`) as number);
      addDistinct(summary.uids, context.uid);
      addDistinct(summary.users, context.user);
      addDistinct(summary.hosts, context.host);
      addDistinct(summary.formats, context.format);
      for (const note of context.notes) summary.notes = withDistinctNote(summary.notes, note);
    }
    return summary;
  });
  summaries.sort((a, b) => (a.first ?? Infinity) - (b.first ?? Infinity));
  return { summaries, stats: storeStats(total, matched, overflow) };
}

function storeStats(total: number, matched: number, overflow = 0): ExplainStats {
  return { lines: 0, records: total, duplicates: 0, filtered: total - matched, malformed: 0, overflow };
}
