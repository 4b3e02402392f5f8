import { DENIAL_FIELDS, noteKey, type DenialField, type DenialFieldScope, type DenialNote } from '../../decode/index.js';
import { storedInteger, storedNoteList, storedRequiredText, storedText, storedTime } from './stored-values.js';

/**
 * Where the SQLite store keeps each field of DENIAL_FIELDS (src/decode/denial-fields.ts): a
 * column named as the field in snake_case, in the table of its scope. What is written and
 * read, the ingest's SQL and `--redecode`'s, is made from these lists.
 */
export interface DenialColumn {
  readonly field: DenialField;
  /** The field's name in Denial. */
  readonly name: DenialField['name'];
  readonly column: string;
}

/** The table of each scope. */
export const SCOPE_TABLES: Readonly<Record<DenialFieldScope, string>> = { denial: 'denial_group', context: 'event_context', event: 'event' };

function columnName(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function columnsOf(scope: DenialFieldScope): readonly DenialColumn[] {
  return (DENIAL_FIELDS as readonly DenialField[]).filter((field) => field.scope === scope).map((field) => ({ field, name: field.name, column: columnName(field.name) }));
}

/** `denial_group`'s columns beside its id and key. */
export const GROUP_COLUMNS = columnsOf('denial');
/** `event_context`'s columns beside its id, key and unit. */
export const CONTEXT_COLUMNS = columnsOf('context');
/** `event`'s columns of the denial's own values. */
export const EVENT_COLUMNS = columnsOf('event');

export type ColumnValue = string | number | null;

/** A field's value as its column holds it: booleans as 0 and 1, notes as their JSON. */
export function columnValue(field: DenialField, value: unknown): ColumnValue {
  switch (field.kind) {
    case 'boolean':
      return value === null ? null : value ? 1 : 0;
    case 'notes':
      return JSON.stringify(value);
    default:
      return value as ColumnValue;
  }
}

/** A column's value as the field's, checked (stored-values.ts); `where` names the column for the error. */
export function fieldValue(field: DenialField, value: unknown, where: string): unknown {
  switch (field.kind) {
    case 'time':
      return storedTime(value, where);
    case 'number':
      return storedInteger(value, where);
    case 'text':
      return field.nullable ? storedText(value, where) : storedRequiredText(value, where);
    case 'action':
    case 'format':
    case 'line':
      return storedRequiredText(value, where);
    case 'boolean':
      return field.nullable && value === null ? null : value === 1;
    case 'notes':
      return storedNoteList(value, where);
  }
}

/** The SQL type of a field's column, for the migration that adds it. */
export function columnType(field: DenialField): 'INTEGER' | 'TEXT' {
  return field.kind === 'time' || field.kind === 'number' || field.kind === 'boolean' ? 'INTEGER' : 'TEXT';
}

/*
 * The functions below are written out field by field from the lists above when this module
 * loads: every stored or read event passes them, and a loop over the fields (keyed property
 * access at each) made the first ingest a fifth slower. Field names are checked to be plain
 * identifiers before they are written into code.
 */

function property(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(`denial field ${name}: not an identifier`);
  return name;
}

function columnIdentifier(column: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(column)) throw new Error(`column ${column}: not an identifier`);
  return column;
}

/** The expression of a field's column value (columnValue) read from `source`. */
function columnValueExpression({ field, name }: DenialColumn, source: string): string {
  const value = `${source}.${property(name)}`;
  switch (field.kind) {
    case 'boolean':
      return `(${value} === null ? null : ${value} ? 1 : 0)`;
    case 'notes':
      return `JSON.stringify(${value})`;
    default:
      return value;
  }
}

function compile<T>(parameters: string[], body: string, helpers: Record<string, unknown> = {}): T {
  return new Function(...Object.keys(helpers), `return function (${parameters.join(', ')}) {\n${body}\n};`)(...Object.values(helpers)) as T;
}

/** The values of `columns` taken from an object (a Denial, a group, a context), as the columns hold them, in their order. */
export function compileColumnValues(columns: readonly DenialColumn[]): (values: object) => ColumnValue[] {
  return compile(['values'], `return [${columns.map((column) => columnValueExpression(column, 'values')).join(', ')}];`);
}

/** `statement.run(first, second, third, fourth, ...the event columns of the denial)`, for the INSERT whose columns end with EVENT_COLUMNS. */
export function compileEventInsert<Result>(): (statement: { run(...values: unknown[]): Result }, first: ColumnValue, second: ColumnValue, third: ColumnValue, fourth: ColumnValue, denial: object) => Result {
  const values = EVENT_COLUMNS.map((column) => columnValueExpression(column, 'denial'));
  return compile(['statement', 'first', 'second', 'third', 'fourth', 'denial'], `return statement.run(first, second, third, fourth, ${values.join(', ')});`);
}

/** A new object of the fields of `columns` taken from `source`, plus `unit` when `withUnit`. */
export function compilePick<T>(columns: readonly DenialColumn[], withUnit: boolean): (source: object, unit?: string | null) => T {
  const parts = columns.map(({ name }) => `${property(name)}: source.${property(name)}`);
  if (withUnit) parts.push('unit');
  return compile(['source', 'unit'], `return { ${parts.join(', ')} };`);
}

/** Whether two objects agree on the fields of `columns` but `except` (and on `unit` when `withUnit`), notes item by item. */
export function compileSameValues(columns: readonly DenialColumn[], except: string, withUnit: boolean): (a: object, b: object) => boolean {
  const tests = columns.filter(({ name }) => name !== except).map(({ field, name }) => (
    field.kind === 'notes' ? `sameList(a.${property(name)}, b.${property(name)})` : `a.${property(name)} === b.${property(name)}`
  ));
  if (withUnit) tests.unshift('a.unit === b.unit');
  return compile(['a', 'b'], `return ${tests.length === 0 ? 'true' : tests.join(' && ')};`, { sameList });
}

function sameList(a: readonly DenialNote[], b: readonly DenialNote[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index] && noteKey(a[index] as DenialNote) !== noteKey(b[index] as DenialNote)) return false;
  return true;
}

/**
 * An object of `id` and the fields of `columns` read from a row (fieldValue, which checks them),
 * `place` naming the row in errors (`event_context 7`).
 */
export function compileFromRow<T>(columns: readonly DenialColumn[]): (row: Record<string, unknown>, place: string) => T {
  const parts = columns.map(({ name, column }, index) => `${property(name)}: fieldValue(columns[${index}].field, row.${columnIdentifier(column)}, place + ' ${column}')`);
  return compile(['row', 'place'], `return { id: row.id, ${parts.join(', ')} };`, { fieldValue, columns });
}

/**
 * A stored event as the Denial it was stored from, with its unit: the fields of scope `denial`
 * from its group, of scope `context` from its context (notes copied), of scope `event` from
 * its row (fieldValue, which checks them), in the order of DENIAL_FIELDS.
 */
export function compileDenialFromRow<T>(): (group: object, context: object & { unit: string | null }, row: Record<string, unknown>, place: string) => T {
  const fields = DENIAL_FIELDS as readonly DenialField[];
  const parts = fields.map((field, index) => {
    const name = property(field.name);
    switch (field.scope) {
      case 'denial':
        return `${name}: group.${name}`;
      case 'context':
        return field.kind === 'notes' ? `${name}: [...context.${name}]` : `${name}: context.${name}`;
      case 'event': {
        const column = columnIdentifier(columnName(field.name));
        return `${name}: fieldValue(fields[${index}], row.${column}, place + ' ${column}')`;
      }
    }
  });
  return compile(['group', 'context', 'row', 'place'], `return { ${parts.join(', ')}, unit: context.unit };`, { fieldValue, fields });
}
