import type Database from 'better-sqlite3';
import type { DenialGroups, EventContexts } from './denial-dictionaries.js';
import type { StoredDenial, StoredDenialFilter } from '../denial-history.js';
import { eventCondition } from './store-filter.js';
import { storedInteger, storedRequiredText, storedText, storedTime } from './stored-values.js';

/** The `event` columns a Denial is rebuilt from, with its group and context. */
export const STORED_DENIAL_COLUMNS = 'group_id, context_id, time, time_precise, serial, pid, auid, code, signal, compat, ip, text';

export interface StoredDenialRow {
  id?: number;
  group_id: number;
  context_id: number;
  time: number | null;
  time_precise: number;
  serial: number | null;
  pid: number | null;
  auid: number | null;
  code: string | null;
  signal: string | null;
  compat: number | null;
  ip: string | null;
  text: string;
}

/** The Denial a stored row holds. The group and context must already be remembered. */
export function denialFromRow(row: StoredDenialRow, groups: DenialGroups, contexts: EventContexts): StoredDenial {
  const group = groups.get(row.group_id);
  const context = contexts.get(row.context_id);
  const where = (column: string): string => `event${row.id === undefined ? '' : ` ${row.id}`} ${column}`;
  return {
    time: storedTime(row.time, where('time')),
    timePrecise: row.time_precise === 1,
    serial: storedInteger(row.serial, where('serial')),
    host: context.host,
    pid: storedInteger(row.pid, where('pid')),
    comm: group.comm,
    exe: group.exe,
    uid: context.uid,
    user: context.user,
    auid: storedInteger(row.auid, where('auid')),
    arch: group.arch,
    abi: group.abi,
    nr: group.nr,
    syscall: group.syscall,
    action: group.action,
    code: storedText(row.code, where('code')),
    signal: storedText(row.signal, where('signal')),
    compat: row.compat === null ? null : row.compat === 1,
    ip: storedText(row.ip, where('ip')),
    format: context.format,
    notes: [...context.notes],
    text: storedRequiredText(row.text, where('text')),
    unit: context.unit,
  };
}

/**
 * Every stored event the filter keeps, in the order stored, each once. Reads in pages of
 * `pageSize` rows, so the connection is free between them.
 */
export function* storedDenials(db: Database.Database, groups: DenialGroups, contexts: EventContexts, filter: StoredDenialFilter, pageSize = 5_000): Generator<StoredDenial> {
  const condition = eventCondition(db, filter);
  if (condition === null) return;
  const page = db.prepare(`SELECT id, ${STORED_DENIAL_COLUMNS} FROM event WHERE id > ? AND ${condition.sql} ORDER BY id LIMIT ${pageSize}`);
  let after = 0;
  for (;;) {
    const rows = page.all(after, ...condition.params) as (StoredDenialRow & { id: number })[];
    if (rows.length === 0) return;
    for (const row of rows) yield denialFromRow(row, groups, contexts);
    after = (rows[rows.length - 1] as { id: number }).id;
  }
}
