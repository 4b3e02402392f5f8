import type { Denial } from './denial.js';

/**
 * A denial's fields, declared once: the store's packing, columns and event key and the public
 * JSON of one denial are made from this table (docs/store.md, "How to add a denial field").
 */

/** What a field holds. */
export type DenialFieldKind =
  /** Milliseconds since the epoch. */
  | 'time'
  /** An integer. */
  | 'number'
  | 'text'
  | 'boolean'
  /** A SeccompAction. */
  | 'action'
  /** A RecordFormat. */
  | 'format'
  /** Denial.notes: a list, kept as its JSON. */
  | 'notes'
  /** The line the record was read from. */
  | 'line';

/**
 * What a field tells apart, which decides where a store keeps it:
 * - `denial`: what explain groups events by (denialGroupKey): the program, the call, the action;
 * - `context`: the other values a summary lists, few distinct in a log;
 * - `event`: each event's own.
 */
export type DenialFieldScope = 'denial' | 'context' | 'event';

/** The fields a table row may name: every field of Denial but where the line came from (not kept). */
export type DenialFieldName = Exclude<keyof Denial, 'origin'>;

export interface DenialField {
  readonly name: DenialFieldName;
  readonly kind: DenialFieldKind;
  readonly nullable: boolean;
  readonly scope: DenialFieldScope;
  /**
   * The field's place in the normalised record that tells an event without an audit id again
   * (src/store/event-key.ts), or null when it is not part of it. Only values the kernel logged
   * are part of it, never what our tables derive or how the line was framed. Stores keep the
   * hashes of these records, so a place is never changed once released; a new logged field
   * takes none, or the record of every stored event would change.
   */
  readonly eventKeyPosition: number | null;
  /** Part of the JSON of one denial (`explain --ndjson`), under its name. */
  readonly public: boolean;
}

/** Every field, in the order of the Denial interface, which is also the order of the JSON of one denial. */
export const DENIAL_FIELDS = [
  { name: 'time', kind: 'time', nullable: true, scope: 'event', eventKeyPosition: 1, public: true },
  { name: 'timePrecise', kind: 'boolean', nullable: false, scope: 'event', eventKeyPosition: null, public: false },
  { name: 'serial', kind: 'number', nullable: true, scope: 'event', eventKeyPosition: 2, public: true },
  { name: 'host', kind: 'text', nullable: true, scope: 'context', eventKeyPosition: 0, public: true },
  { name: 'pid', kind: 'number', nullable: true, scope: 'event', eventKeyPosition: 3, public: true },
  { name: 'comm', kind: 'text', nullable: true, scope: 'denial', eventKeyPosition: 7, public: true },
  { name: 'exe', kind: 'text', nullable: true, scope: 'denial', eventKeyPosition: 8, public: true },
  { name: 'uid', kind: 'number', nullable: true, scope: 'context', eventKeyPosition: 4, public: true },
  { name: 'user', kind: 'text', nullable: true, scope: 'context', eventKeyPosition: 5, public: true },
  { name: 'auid', kind: 'number', nullable: true, scope: 'event', eventKeyPosition: 6, public: true },
  { name: 'ses', kind: 'number', nullable: true, scope: 'event', eventKeyPosition: null, public: true },
  { name: 'arch', kind: 'text', nullable: true, scope: 'denial', eventKeyPosition: 9, public: true },
  { name: 'abi', kind: 'text', nullable: true, scope: 'denial', eventKeyPosition: null, public: true },
  { name: 'nr', kind: 'number', nullable: true, scope: 'denial', eventKeyPosition: 10, public: true },
  { name: 'syscall', kind: 'text', nullable: true, scope: 'denial', eventKeyPosition: null, public: true },
  { name: 'action', kind: 'action', nullable: false, scope: 'denial', eventKeyPosition: null, public: true },
  { name: 'code', kind: 'text', nullable: true, scope: 'event', eventKeyPosition: 11, public: true },
  { name: 'signal', kind: 'text', nullable: true, scope: 'event', eventKeyPosition: null, public: true },
  { name: 'compat', kind: 'boolean', nullable: true, scope: 'event', eventKeyPosition: 13, public: true },
  { name: 'ip', kind: 'text', nullable: true, scope: 'event', eventKeyPosition: 12, public: true },
  { name: 'format', kind: 'format', nullable: false, scope: 'context', eventKeyPosition: null, public: true },
  { name: 'notes', kind: 'notes', nullable: false, scope: 'context', eventKeyPosition: null, public: true },
  { name: 'text', kind: 'line', nullable: false, scope: 'event', eventKeyPosition: null, public: false },
] as const satisfies readonly DenialField[];

/** The names of the fields of one scope, as a type: `DenialFieldNameOf<'denial'>` is 'comm' | 'exe' | … */
export type DenialFieldNameOf<Scope extends DenialFieldScope> = Extract<(typeof DENIAL_FIELDS)[number], { scope: Scope }>['name'];

/** The names of the public fields, in the order the JSON of one denial lists them. */
export const PUBLIC_DENIAL_FIELD_NAMES: readonly DenialFieldName[] = (DENIAL_FIELDS as readonly DenialField[]).filter((field) => field.public).map((field) => field.name);

/** The fields of the normalised record (src/store/event-key.ts), in their places. */
export const EVENT_KEY_FIELDS: readonly DenialField[] = (DENIAL_FIELDS as readonly DenialField[])
  .filter((field) => field.eventKeyPosition !== null)
  .sort((a, b) => (a.eventKeyPosition as number) - (b.eventKeyPosition as number));
