import type Database from 'better-sqlite3';
import { decodeRecord, type Denial } from '../../decode/index.js';
import { isMalformed, parseRecordLine } from '../../records/index.js';
import { compileColumnValues, EVENT_COLUMNS, type ColumnValue } from './denial-columns.js';
import type { DenialGroups, EventContexts } from './denial-dictionaries.js';
import type { RedecodeCounts, RedecodeOptions } from '../denial-history.js';
import { STORED_DENIAL_COLUMNS, type StoredDenialRow } from './stored-denials.js';

interface RedecodeRow extends StoredDenialRow {
  id: number;
  parsed_at: number;
  assumed_abi: string;
  text: string;
}

/** The columns of `event` that decoding makes: all but the line, which it is made from. */
const DECODED_COLUMNS = EVENT_COLUMNS.filter(({ field }) => field.kind !== 'line');
const decodedValues = compileColumnValues(DECODED_COLUMNS);

/** The decoded columns of `event`, in the order `update` binds them. */
function decodedColumns(denial: Denial, groupId: number, contextId: number): ColumnValue[] {
  return [groupId, contextId, ...decodedValues(denial)];
}

function storedColumns(row: RedecodeRow): unknown[] {
  return [row.group_id, row.context_id, ...DECODED_COLUMNS.map(({ column }) => row[column])];
}

/**
 * Reads every stored event's raw text again through parseRecordLine and decodeRecord, with
 * the "now" and assumed ABI of the ingest that stored it, and stores what comes out where it
 * differs. Keys are left as they are: they name the sightings that were read, and a
 * normalised record holds only logged values (event-key.ts), which decoding does not change.
 * The unit an event was attributed to is kept.
 */
export function redecodeEvents(db: Database.Database, groups: DenialGroups, contexts: EventContexts, options: RedecodeOptions): RedecodeCounts {
  const batchSize = options.batchSize ?? 10_000;
  const page = db.prepare(`
    SELECT event.id, ${STORED_DENIAL_COLUMNS.split(', ').map((column) => `event.${column}`).join(', ')}, ingest_run.parsed_at, ingest_run.assumed_abi
    FROM event JOIN ingest_run ON ingest_run.id = event.run_id
    WHERE event.id > ? ORDER BY event.id LIMIT ?`);
  const update = db.prepare(`
    UPDATE event SET group_id = ?, context_id = ?, ${DECODED_COLUMNS.map(({ column }) => `${column} = ?`).join(', ')} WHERE id = ?`);
  const counts: RedecodeCounts = { events: 0, changed: 0, unreadable: 0 };
  let after = 0;
  for (;;) {
    const rows = page.all(after, batchSize) as RedecodeRow[];
    if (rows.length === 0) return counts;
    const batch = { events: 0, changed: 0, unreadable: 0 };
    try {
      db.transaction(() => {
        for (const row of rows) {
          batch.events++;
          const reading = parseRecordLine(row.text, { now: row.parsed_at });
          const decoded = reading === null || isMalformed(reading) ? null : decodeRecord(reading, { tables: options.tables, assumedAbi: row.assumed_abi });
          if (decoded === null || 'malformed' in decoded) {
            batch.unreadable++;
            continue;
          }
          const denial = decoded.denial;
          const fresh = decodedColumns(denial, groups.idOf(denial), contexts.idOf(denial, contexts.get(row.context_id).unit));
          const stored = storedColumns(row);
          if (fresh.every((value, index) => value === stored[index])) continue;
          update.run(...fresh, row.id);
          batch.changed++;
        }
      }).immediate();
    } catch (error) {
      groups.forget();
      contexts.forget();
      throw error;
    }
    counts.events += batch.events;
    counts.changed += batch.changed;
    counts.unreadable += batch.unreadable;
    options.onProgress?.({ ...counts });
    after = (rows[rows.length - 1] as RedecodeRow).id;
  }
}
