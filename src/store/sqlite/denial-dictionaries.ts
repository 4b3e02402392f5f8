import type Database from 'better-sqlite3';
import { denialGroupKey } from '../../analysis/index.js';
import type { Denial, DenialFieldNameOf } from '../../decode/index.js';
import { StoreDamageError } from '../store-errors.js';
import { columnValue, CONTEXT_COLUMNS, fieldValue, GROUP_COLUMNS, type ColumnValue, type DenialColumn } from './denial-columns.js';
import { storedText } from './stored-values.js';

/** One `denial_group` row: what explain groups events by (the fields of scope `denial`). */
export type DenialGroup = { id: number } & Pick<Denial, DenialFieldNameOf<'denial'>>;

/** One `event_context` row: the values a summary lists (the fields of scope `context`), and the unit where known. */
export type EventContext = { id: number; unit: string | null } & Pick<Denial, DenialFieldNameOf<'context'>>;

/** A text length-prefixed, so that no value can run into the next (log text may hold any byte). */
function keyPart(text: string | null): string {
  return text === null ? '-' : `${text.length}:${text}`;
}

/** The context fields the first schema keyed contexts by; stored keys are made of them as they always were. */
const FIRST_CONTEXT_FIELDS: ReadonlySet<string> = new Set(['uid', 'user', 'host', 'format', 'notes']);
/** Context fields added since, keyed after those by their JSON. */
const ADDED_CONTEXT_COLUMNS = CONTEXT_COLUMNS.filter(({ name }) => !FIRST_CONTEXT_FIELDS.has(name));

function contextKey(context: Omit<EventContext, 'id'>): string {
  let key = `${context.uid ?? '-'} ${keyPart(context.user)}${keyPart(context.host)}${context.format} ${keyPart(context.unit)}${context.notes.length}`;
  for (const note of context.notes) key += keyPart(note);
  for (const { name } of ADDED_CONTEXT_COLUMNS) key += keyPart(JSON.stringify((context as Record<string, unknown>)[name]));
  return key;
}

type Row = { id: number } & Record<string, unknown>;

/** The fields of `columns` from a row, checked, in the order of the table of fields. */
function fieldsFromRow(row: Row, table: string, columns: readonly DenialColumn[]): Record<string, unknown> {
  const values: Record<string, unknown> = { id: row.id };
  for (const { field, name, column } of columns) values[name] = fieldValue(field, row[column], `${table} ${row.id} ${column}`);
  return values;
}

function contextFromRow(row: Row): EventContext {
  const context = fieldsFromRow(row, 'event_context', CONTEXT_COLUMNS);
  context.unit = storedText(row.unit, `event_context ${row.id} unit`);
  return context as EventContext;
}

function groupFromRow(row: Row): DenialGroup {
  return fieldsFromRow(row, 'denial_group', GROUP_COLUMNS) as DenialGroup;
}

/** The values of `columns` as the columns hold them, in their order. */
function columnValues(values: object, columns: readonly DenialColumn[]): ColumnValue[] {
  return columns.map(({ field, name }) => columnValue(field, (values as Record<string, unknown>)[name]));
}

/** Whether two value sets agree on every field of `columns` but `except`, notes compared item by item. */
function sameValues(a: object, b: object, columns: readonly DenialColumn[], except: string): boolean {
  for (const { field, name } of columns) {
    if (name === except) continue;
    const left = (a as Record<string, unknown>)[name];
    const right = (b as Record<string, unknown>)[name];
    if (field.kind === 'notes' ? !sameNotes(left as readonly unknown[], right as readonly unknown[]) : left !== right) return false;
  }
  return true;
}

/** How many value sets are remembered per first value (RecentValues). */
const RECENT_PER_FIRST_VALUE = 16;
/** At most this many first values and keys are remembered: past it they are forgotten and found again in SQLite, so memory stays bounded. */
const REMEMBERED_KEYS = 50_000;

/**
 * The ids of value sets seen lately, found without making their key text: by one value, then
 * compared field by field. Equal values make equal keys, so an id found here is the one the
 * key would find; values not found here are looked up by key.
 */
class RecentValues<Values> {
  private readonly byFirstValue = new Map<string | null, { values: Values; id: number }[]>();

  constructor(
    private readonly firstValue: (values: Values) => string | null,
    private readonly sameOtherValues: (a: Values, b: Values) => boolean,
  ) {}

  idOf(values: Values): number | undefined {
    const candidates = this.byFirstValue.get(this.firstValue(values));
    if (candidates === undefined) return undefined;
    for (const candidate of candidates) if (this.sameOtherValues(candidate.values, values)) return candidate.id;
    return undefined;
  }

  remember(values: Values, id: number): void {
    const first = this.firstValue(values);
    const candidates = this.byFirstValue.get(first);
    if (candidates === undefined) {
      if (this.byFirstValue.size >= REMEMBERED_KEYS) this.byFirstValue.clear();
      this.byFirstValue.set(first, [{ values, id }]);
    }
    else if (candidates.length < RECENT_PER_FIRST_VALUE) candidates.push({ values, id });
  }

  forget(): void {
    this.byFirstValue.clear();
  }
}

function sameNotes(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
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
    if (this.idsByKey.size >= REMEMBERED_KEYS) this.idsByKey.clear();
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
      if (!row) throw new StoreDamageError(`${this.table} ${id} is missing`);
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
export class DenialGroups extends InternedRows<Row, DenialGroup> {
  private readonly recent = new RecentValues<Omit<DenialGroup, 'id'>>(
    (group) => group.exe,
    (a, b) => sameValues(a, b, GROUP_COLUMNS, 'exe'),
  );

  constructor(db: Database.Database) {
    super(db, 'denial_group', GROUP_COLUMNS.map(({ column }) => column), groupFromRow);
  }

  /** The group's id, the row made when this is its first denial. Call inside a write transaction. */
  idOf(denial: Denial): number {
    const recent = this.recent.idOf(denial);
    if (recent !== undefined) return recent;
    // DenialAggregator's own key, so that report groups exactly as explain does.
    const id = this.idFor(denialGroupKey(denial), columnValues(denial, GROUP_COLUMNS));
    const group: Record<string, unknown> = {};
    for (const { name } of GROUP_COLUMNS) group[name] = denial[name];
    this.recent.remember(group as Omit<DenialGroup, 'id'>, id);
    return id;
  }

  override forget(): void {
    super.forget();
    this.recent.forget();
  }
}

/** `event_context`: the values a summary lists, and the unit. */
export class EventContexts extends InternedRows<Row, EventContext> {
  private readonly recent = new RecentValues<Omit<EventContext, 'id'>>(
    (context) => context.host,
    (a, b) => a.unit === b.unit && sameValues(a, b, CONTEXT_COLUMNS, 'host'),
  );

  constructor(db: Database.Database) {
    super(db, 'event_context', [...CONTEXT_COLUMNS.map(({ column }) => column), 'unit'], contextFromRow);
  }

  /** The id of a denial's context with this unit. Call inside a write transaction. */
  idOf(denial: Denial, unit: string | null): number {
    const context: Record<string, unknown> = {};
    for (const { name } of CONTEXT_COLUMNS) context[name] = denial[name];
    context.unit = unit;
    return this.idOfContext(context as Omit<EventContext, 'id'>);
  }

  /** The id of the same context with the unit set. */
  withUnit(id: number, unit: string): number {
    return this.idOfContext({ ...this.get(id), unit });
  }

  override forget(): void {
    super.forget();
    this.recent.forget();
  }

  private idOfContext(context: Omit<EventContext, 'id'>): number {
    const recent = this.recent.idOf(context);
    if (recent !== undefined) return recent;
    const id = this.idFor(contextKey(context), [...columnValues(context, CONTEXT_COLUMNS), context.unit]);
    this.recent.remember(context, id);
    return id;
  }
}
