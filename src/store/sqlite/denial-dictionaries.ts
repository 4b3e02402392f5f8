import type Database from 'better-sqlite3';
import { denialGroupKey } from '../../analysis/index.js';
import { noteKey, type Denial, type DenialFieldNameOf } from '../../decode/index.js';
import { StoreDamageError } from '../store-errors.js';
import { compileColumnValues, compileFromRow, compilePick, compileSameValues, CONTEXT_COLUMNS, GROUP_COLUMNS } from './denial-columns.js';
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

/** The key a context is found by; notes by their typed value, so that rewording one changes no key. */
export function contextKey(context: Omit<EventContext, 'id'>): string {
  let key = `${context.uid ?? '-'} ${keyPart(context.user)}${keyPart(context.host)}${context.format} ${keyPart(context.unit)}${context.notes.length}`;
  for (const note of context.notes) key += keyPart(noteKey(note));
  for (const { name } of ADDED_CONTEXT_COLUMNS) key += keyPart(JSON.stringify((context as Record<string, unknown>)[name]));
  return key;
}

type Row = { id: number } & Record<string, unknown>;

const contextFields = compileFromRow<Omit<EventContext, 'unit'>>(CONTEXT_COLUMNS);
const groupFields = compileFromRow<DenialGroup>(GROUP_COLUMNS);

function contextFromRow(row: Row): EventContext {
  const context = contextFields(row, `event_context ${row.id}`) as EventContext;
  context.unit = storedText(row.unit, `event_context ${row.id} unit`);
  return context;
}

function groupFromRow(row: Row): DenialGroup {
  return groupFields(row, `denial_group ${row.id}`);
}

const groupValues = compileColumnValues(GROUP_COLUMNS);
const contextValues = compileColumnValues(CONTEXT_COLUMNS);
const groupOf = compilePick<Omit<DenialGroup, 'id'>>(GROUP_COLUMNS, false);
const contextOf = compilePick<Omit<EventContext, 'id'>>(CONTEXT_COLUMNS, true);

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
    compileSameValues(GROUP_COLUMNS, 'exe', false),
  );

  constructor(db: Database.Database) {
    super(db, 'denial_group', GROUP_COLUMNS.map(({ column }) => column), groupFromRow);
  }

  /** The group's id, the row made when this is its first denial. Call inside a write transaction. */
  idOf(denial: Denial): number {
    const recent = this.recent.idOf(denial);
    if (recent !== undefined) return recent;
    // DenialAggregator's own key, so that report groups exactly as explain does.
    const id = this.idFor(denialGroupKey(denial), groupValues(denial));
    this.recent.remember(groupOf(denial), id);
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
    compileSameValues(CONTEXT_COLUMNS, 'host', true),
  );

  constructor(db: Database.Database) {
    super(db, 'event_context', [...CONTEXT_COLUMNS.map(({ column }) => column), 'unit'], contextFromRow);
  }

  /** The id of a denial's context with this unit. Call inside a write transaction. */
  idOf(denial: Denial, unit: string | null): number {
    return this.idOfContext(contextOf(denial, unit));
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
    const id = this.idFor(contextKey(context), [...contextValues(context), context.unit]);
    this.recent.remember(context, id);
    return id;
  }
}
