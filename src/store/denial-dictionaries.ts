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
 * `denial_group`: rows made on first sight and remembered, since a store holds few. The first
 * denial of a group gives it its values, as the first of a group does in explain.
 */
export class DenialGroups {
  private readonly idsByKey = new Map<string, number>();
  private readonly byId = new Map<number, DenialGroup>();
  private readonly insert: Database.Statement;
  private readonly selectByKey: Database.Statement;
  private readonly selectById: Database.Statement;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO denial_group (key, exe, comm, arch, abi, nr, syscall, action) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.selectByKey = db.prepare('SELECT id FROM denial_group WHERE key = ?').pluck();
    this.selectById = db.prepare('SELECT id, exe, comm, arch, abi, nr, syscall, action FROM denial_group WHERE id = ?');
  }

  /** The group's id, the row made when this is its first denial. Call inside a write transaction. */
  idOf(denial: Denial): number {
    // DenialAggregator's own key, so that report groups exactly as explain does.
    const key = denialGroupKey(denial);
    const known = this.idsByKey.get(key);
    if (known !== undefined) return known;
    this.insert.run(key, denial.exe, denial.comm, denial.arch, denial.abi, denial.nr, denial.syscall, denial.action);
    const id = this.selectByKey.get(key) as number;
    this.idsByKey.set(key, id);
    return id;
  }

  /** Drops what is remembered: after a rolled-back transaction, ids it made do not exist. */
  forget(): void {
    this.idsByKey.clear();
    this.byId.clear();
  }

  get(id: number): DenialGroup {
    let group = this.byId.get(id);
    if (!group) {
      group = this.selectById.get(id) as DenialGroup | undefined;
      if (!group) throw new Error(`denial_group ${id} is missing`);
      this.byId.set(id, group);
    }
    return group;
  }
}

/** `event_context`: like `DenialGroups`, for the listed values and the unit. */
export class EventContexts {
  private readonly idsByKey = new Map<string, number>();
  private readonly byId = new Map<number, EventContext>();
  private readonly insert: Database.Statement;
  private readonly selectByKey: Database.Statement;
  private readonly selectById: Database.Statement;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO event_context (key, uid, user, host, format, notes, unit) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.selectByKey = db.prepare('SELECT id FROM event_context WHERE key = ?').pluck();
    this.selectById = db.prepare('SELECT id, uid, user, host, format, notes, unit FROM event_context WHERE id = ?');
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
    const key = contextKey(context);
    const known = this.idsByKey.get(key);
    if (known !== undefined) return known;
    this.insert.run(key, context.uid, context.user, context.host, context.format, JSON.stringify(context.notes), context.unit);
    const id = this.selectByKey.get(key) as number;
    this.idsByKey.set(key, id);
    return id;
  }

  /** Drops what is remembered: after a rolled-back transaction, ids it made do not exist. */
  forget(): void {
    this.idsByKey.clear();
    this.byId.clear();
  }

  get(id: number): EventContext {
    let context = this.byId.get(id);
    if (!context) {
      const row = this.selectById.get(id) as ContextRow | undefined;
      if (!row) throw new Error(`event_context ${id} is missing`);
      context = contextFromRow(row);
      this.byId.set(id, context);
    }
    return context;
  }
}
