import type Database from 'better-sqlite3';
import type { StoredDenialFilter } from '../denial-history.js';

/** A condition on `event` rows, as SQL over its own columns and the values it binds. */
export interface EventCondition {
  sql: string;
  params: (string | number)[];
}

/**
 * A shell pattern (`*`, `?`, every other character literal, as explain's `--exe`) as a
 * SQLite GLOB pattern: GLOB reads `[` as a class, so a literal one is written `[[]`.
 */
export function globPattern(pattern: string): string {
  return pattern.replace(/\[/g, '[[]');
}

function idsMatching(db: Database.Database, table: 'denial_group' | 'event_context', columns: [string, string | undefined][]): number[] | null {
  const wanted = columns.filter((column): column is [string, string] => column[1] !== undefined);
  if (wanted.length === 0) return null;
  const where = wanted.map(([column]) => `${column} GLOB ?`).join(' AND ');
  return db.prepare(`SELECT id FROM ${table} WHERE ${where}`).pluck().all(...wanted.map(([, pattern]) => globPattern(pattern))) as number[];
}

/**
 * The filter as a condition on `event` rows, or null when no event can match. Programs and
 * hosts are matched in the small group and context tables first, so that the condition on
 * the events only compares ids and times, all in the `event_report` index.
 */
export function eventCondition(db: Database.Database, filter: StoredDenialFilter): EventCondition | null {
  const clauses: string[] = ['1'];
  const params: (string | number)[] = [];
  const groups = idsMatching(db, 'denial_group', [['exe', filter.exe], ['comm', filter.comm]]);
  if (groups !== null) {
    if (groups.length === 0) return null;
    clauses.push('group_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(groups));
  }
  const contexts = idsMatching(db, 'event_context', [['host', filter.host], ['unit', filter.unit]]);
  if (contexts !== null) {
    if (contexts.length === 0) return null;
    clauses.push('context_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(contexts));
  }
  if (filter.since !== undefined) {
    clauses.push('time >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    clauses.push('time <= ?');
    params.push(filter.until);
  }
  return { sql: clauses.join(' AND '), params };
}
