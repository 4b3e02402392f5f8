import type Database from 'better-sqlite3';
import type { Denial } from '../../decode/index.js';
import { compileEventInsert, EVENT_COLUMNS } from './denial-columns.js';
import type { DenialGroups, EventContexts } from './denial-dictionaries.js';
import { hasAuditId, hostsAgree, recordDigest, recordHashKey } from '../event-key.js';
import { IndexedPartnerSearch, type PartnerSearch } from './event-pairing.js';

const insertEvent = compileEventInsert<Database.RunResult>();

export type WriteOutcome = 'added' | 'known';

/** How many distinct normalised records an ingest remembers the occurrences of. */
const OCCURRENCE_GENERATION_SIZE = 65_536;

/** The SQL an ingest runs, prepared once per store. */
export class EventWriteStatements {
  readonly selectAuditIdHosts: Database.Statement;
  readonly selectNewestAuditIdTime: Database.Statement;
  readonly insertAuditId: Database.Statement;
  readonly selectRecordHash: Database.Statement;
  readonly insertRecordHash: Database.Statement;
  readonly insertEvent: Database.Statement;
  readonly partners: PartnerSearch;
  readonly markPaired: Database.Statement;
  readonly selectAnyUnpairedWithoutId: Database.Statement;
  readonly selectEventContext: Database.Statement;
  readonly updateEventContext: Database.Statement;

  constructor(db: Database.Database) {
    this.selectAuditIdHosts = db.prepare('SELECT host, event_id FROM event_audit_id WHERE time = ? AND serial = ?').raw();
    this.selectNewestAuditIdTime = db.prepare('SELECT max(time) FROM event_audit_id').pluck();
    this.insertAuditId = db.prepare('INSERT INTO event_audit_id (time, serial, host, event_id) VALUES (?, ?, ?, ?)');
    this.selectRecordHash = db.prepare('SELECT event_id FROM event_record_hash WHERE second = ? AND digest = ?').pluck();
    this.insertRecordHash = db.prepare('INSERT INTO event_record_hash (second, digest, event_id) VALUES (?, ?, ?)');
    this.insertEvent = db.prepare(`
      INSERT INTO event (run_id, group_id, context_id, keyed_by_id, ${EVENT_COLUMNS.map(({ column }) => column).join(', ')})
      VALUES (?, ?, ?, ?${', ?'.repeat(EVENT_COLUMNS.length)})`);
    this.partners = new IndexedPartnerSearch(db);
    this.markPaired = db.prepare('UPDATE event SET paired = 1 WHERE id = ?');
    this.selectAnyUnpairedWithoutId = db.prepare('SELECT EXISTS (SELECT 1 FROM event WHERE keyed_by_id = 0 AND paired = 0)').pluck();
    this.selectEventContext = db.prepare('SELECT context_id FROM event WHERE id = ?').pluck();
    this.updateEventContext = db.prepare('UPDATE event SET context_id = ? WHERE id = ?');
  }
}

/** Counts of identical normalised records, bounded: two generations, the older forgotten. */
class OccurrenceCounter {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();

  /** 0 the first time a record is seen, 1 the second… */
  next(normalised: string): number {
    const seen = this.current.get(normalised) ?? this.previous.get(normalised);
    const occurrence = seen === undefined ? 0 : seen + 1;
    if (!this.current.has(normalised) && this.current.size >= OCCURRENCE_GENERATION_SIZE) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(normalised, occurrence);
    return occurrence;
  }
}

/**
 * Writes one input's denials, each event once (docs/store.md): looks the sighting's key up,
 * else matches it with a stored sighting of the other kind, else stores a new event. Runs
 * inside the caller's write transaction, which sees its own inserts, so repeats within a
 * batch are found like repeats across ingests.
 */
export class EventWriter {
  private readonly occurrences = new OccurrenceCounter();
  /** Whether the store may hold a sighting without an audit id for an id to be matched to. */
  private unpairedWithoutId: boolean;
  /**
   * The latest time of a stored audit id. An id stamped later is not stored yet, so it needs
   * no lookup: the usual case, since logs are written in time order.
   */
  private newestAuditIdTime = Number.POSITIVE_INFINITY;

  constructor(
    private readonly statements: EventWriteStatements,
    private readonly groups: DenialGroups,
    private readonly contexts: EventContexts,
    private readonly runId: number,
  ) {
    this.unpairedWithoutId = true;
  }

  /** Call at the start of every transaction: another process may have written since. */
  refresh(): void {
    this.unpairedWithoutId = this.statements.selectAnyUnpairedWithoutId.get() === 1;
    this.newestAuditIdTime = (this.statements.selectNewestAuditIdTime.get() as number | null) ?? Number.NEGATIVE_INFINITY;
  }

  write(denial: Denial, unit: string | null): WriteOutcome {
    if (hasAuditId(denial)) {
      const { time, serial } = denial;
      const host = denial.host ?? '';
      const known = time > this.newestAuditIdTime ? null : this.eventWithAuditId(time, serial, host);
      if (known !== null) return this.known(known, unit);
      const groupId = this.groups.idOf(denial);
      const partner = this.unpairedWithoutId ? this.partner(false, denial, groupId, time) : null;
      const eventId = partner ?? this.insertEvent(denial, groupId, unit, true);
      this.statements.insertAuditId.run(time, serial, host, eventId);
      if (time > this.newestAuditIdTime) this.newestAuditIdTime = time;
      return partner === null ? 'added' : this.known(partner, unit);
    }
    const key = recordHashKey(denial);
    const digest = recordDigest(key.normalised, this.occurrences.next(key.normalised));
    const known = this.statements.selectRecordHash.get(key.second, digest) as number | undefined;
    if (known !== undefined) return this.known(known, unit);
    const groupId = this.groups.idOf(denial);
    const partner = denial.time === null ? null : this.partner(true, denial, groupId, denial.time);
    const eventId = partner ?? this.insertEvent(denial, groupId, unit, false);
    this.statements.insertRecordHash.run(key.second, digest, eventId);
    if (partner === null) this.unpairedWithoutId = true;
    return partner === null ? 'added' : this.known(partner, unit);
  }

  /** The event stored under this audit id from an agreeing host, else null. */
  private eventWithAuditId(time: number, serial: number, host: string): number | null {
    const rows = this.statements.selectAuditIdHosts.all(time, serial) as [string, number][];
    for (const [storedHost, eventId] of rows) if (hostsAgree(storedHost, host)) return eventId;
    return null;
  }

  /**
   * The stored, still unmatched sighting of the other kind that is this one's partner: same
   * program and call (group), pid, ip and code, agreeing hosts, the nearest in time within
   * PAIRING_WINDOW_MS (event-pairing.ts). Marks it matched. One-to-one, as in EventDeduplicator.
   */
  private partner(wantsWithId: boolean, denial: Denial, groupId: number, time: number): number | null {
    const place = { groupId, pid: denial.pid, ip: denial.ip, code: denial.code, time };
    const partner = this.statements.partners.find(wantsWithId, place, (contextId) => hostsAgree(this.contexts.get(contextId).host, denial.host));
    if (partner !== null) this.statements.markPaired.run(partner);
    return partner;
  }

  private insertEvent(denial: Denial, groupId: number, unit: string | null, keyedById: boolean): number {
    const result = insertEvent(this.statements.insertEvent, this.runId, groupId, this.contexts.idOf(denial, unit), keyedById ? 1 : 0, denial);
    return Number(result.lastInsertRowid);
  }

  /** A sighting of a stored event; a unit now known is added to an event stored without one. */
  private known(eventId: number, unit: string | null): WriteOutcome {
    if (unit !== null) {
      const contextId = this.statements.selectEventContext.get(eventId) as number;
      if (this.contexts.get(contextId).unit === null) this.statements.updateEventContext.run(this.contexts.withUnit(contextId, unit), eventId);
    }
    return 'known';
  }
}
