import type Database from 'better-sqlite3';
import { denialGroupKey } from '../analysis/index.js';
import type { Denial, SeccompAction } from '../decode/index.js';
import type { RecordFormat } from '../records/index.js';

/** One `denial_group` row: what explain groups events by. */
export interface DenialGroup {
  id: number;
  exe: string | null;
  comm: string | null;
  arch: string | null;
  abi: string | null;
  nr: number | null;
  syscall: string | null;
  action: SeccompAction;
}

/** One `event_context` row: the values a summary lists, and the unit where known. */
export interface EventContext {
  id: number;
  uid: number | null;
  user: string | null;
  host: string | null;
  format: RecordFormat;
  notes: string[];
  unit: string | null;
}

/** A text length-prefixed, so that no value can run into the next (log text may hold any byte). */
function keyPart(text: string | null): string {
  return text === null ? '-' : `${text.length}:${text}`;
}

function contextKey(context: Omit<EventContext, 'id'>): string {
  let key = `${context.uid ?? '-'} ${keyPart(context.user)}${keyPart(context.host)}${context.format} ${keyPart(context.unit)}${context.notes.length}`;
  for (const note of context.notes) key += keyPart(note);
  return key;
}

interface ContextRow {
  id: number;
  uid: number | null;
  user: string | null;
  host: string | null;
  format: string;
  notes: string;
  unit: string | null;
}

function contextFromRow(row: ContextRow): EventContext {
  return { ...row, format: row.format as RecordFormat, notes: JSON.parse(row.notes) as string[] };
}

/**
 * A table of rows made on first sight and remembered, since a store holds few: each row has a
 * unique `key` and the values it stands for. Ids are found by key when writing, rows by id when
 * reading.
 */
class InternedRows<Row, Value> {
  private readonly idsByKey = new Map<string, number>();
  private readonly byId = new Map<number, Value>();
  private readonly insert: Database.Statement;
  private readonly selectByKey: Database.Statement;
  private readonly selectById: Database.Statement;

  constructor(db: Database.Database, private readonly table: string, columns: readonly string[], private readonly fromRow: (row: Row) => Value) {
    this.insert = db.prepare(`INSERT OR IGNORE INTO ${table} (key, ${columns.join(', ')}) VALUES (?${', ?'.repeat(columns.length)})`);
    this.selectByKey = db.prepare(`SELECT id FROM ${table} WHERE key = ?`).pluck();
    this.selectById = db.prepare(`SELECT id, ${columns.join(', ')} FROM ${table} WHERE id = ?`);
  }

  /** The id of the row with this key, made from `values` (in column order) if new. Call inside a write transaction. */
  protected idFor(key: string, values: unknown[]): number {
    const known = this.idsByKey.get(key);
    if (known !== undefined) return known;
    this.insert.run(key, ...values);
    const id = this.selectByKey.get(key) as number;
    this.idsByKey.set(key, id);
    return id;
  }

  /** Drops what is remembered: after a rolled-back transaction, ids it made do not exist. */
  forget(): void {
    this.idsByKey.clear();
    this.byId.clear();
  }

  get(id: number): Value {
    let value = this.byId.get(id);
    if (value === undefined) {
      const row = this.selectById.get(id) as Row | undefined;
      if (!row) throw new Error(`${this.table} ${id} is missing`);
      value = this.fromRow(row);
      this.byId.set(id, value);
    }
    return value;
  }
}

/**
 * `denial_group`: what explain groups events by. The first denial of a group gives it its
 * values, as the first of a group does in explain.
 */
export class DenialGroups extends InternedRows<DenialGroup, DenialGroup> {
  constructor(db: Database.Database) {
    super(db, 'denial_group', ['exe', 'comm', 'arch', 'abi', 'nr', 'syscall', 'action'], (row) => row);
  }

  /** The group's id, the row made when this is its first denial. Call inside a write transaction. */
  idOf(denial: Denial): number {
    // DenialAggregator's own key, so that report groups exactly as explain does.
    return this.idFor(denialGroupKey(denial), [denial.exe, denial.comm, denial.arch, denial.abi, denial.nr, denial.syscall, denial.action]);
  }
}

/** `event_context`: the values a summary lists, and the unit. */
export class EventContexts extends InternedRows<ContextRow, EventContext> {
  constructor(db: Database.Database) {
    super(db, 'event_context', ['uid', 'user', 'host', 'format', 'notes', 'unit'], contextFromRow);
  }

  /** The id of a denial's context with this unit. Call inside a write transaction. */
  idOf(denial: Denial, unit: string | null): number {
    return this.idOfContext({ uid: denial.uid, user: denial.user, host: denial.host, format: denial.format, notes: denial.notes, unit });
  }

  /** The id of the same context with the unit set. */
  withUnit(id: number, unit: string): number {
    return this.idOfContext({ ...this.get(id), unit });
  }

  private idOfContext(context: Omit<EventContext, 'id'>): number {
    return this.idFor(contextKey(context), [context.uid, context.user, context.host, context.format, JSON.stringify(context.notes), context.unit]);
  }
}
