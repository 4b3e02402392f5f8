import type Database from 'better-sqlite3';
import type { DenialGroups, EventContexts } from './denial-dictionaries.js';
import type { StoredDenial, StoredDenialFilter } from '../denial-history.js';
import { eventCondition } from './store-filter.js';
import { compileDenialFromRow, EVENT_COLUMNS } from './denial-columns.js';

/** The `event` columns a Denial is rebuilt from, with its group and context. */
export const STORED_DENIAL_COLUMNS = ['group_id', 'context_id', ...EVENT_COLUMNS.map(({ column }) => column)].join(', ');

/** A row of STORED_DENIAL_COLUMNS: the group and context ids, and a column per field of scope `event` (EVENT_COLUMNS). */
export interface StoredDenialRow {
  id?: number;
  group_id: number;
  context_id: number;
  [column: string]: unknown;
}

const denialOf = compileDenialFromRow<StoredDenial>();

/** The Denial a stored row holds. The group and context must already be remembered. */
export function denialFromRow(row: StoredDenialRow, groups: DenialGroups, contexts: EventContexts): StoredDenial {
  return denialOf(groups.get(row.group_id), contexts.get(row.context_id), row, row.id === undefined ? 'event' : `event ${row.id}`);
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
