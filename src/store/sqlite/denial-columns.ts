import { DENIAL_FIELDS, type DenialField, type DenialFieldScope } from '../../decode/index.js';
import { storedInteger, storedRequiredText, storedText, storedTextList, storedTime } from './stored-values.js';

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
      return storedTextList(value, where);
  }
}

/** The SQL type of a field's column, for the migration that adds it. */
export function columnType(field: DenialField): 'INTEGER' | 'TEXT' {
  return field.kind === 'time' || field.kind === 'number' || field.kind === 'boolean' ? 'INTEGER' : 'TEXT';
}
