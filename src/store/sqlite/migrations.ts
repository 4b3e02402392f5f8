import type Database from 'better-sqlite3';
import { typeStoredNotes } from './typed-notes-migration.js';

/**
 * The store's schema, as the migrations that build it: version N is reached by applying
 * migrations 1…N in order, each in its own transaction, each recorded in `schema_version`.
 * A migration is never edited once released; a change is a new migration at the end.
 * docs/store.md explains every table.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Work SQL cannot do, run after `sql` in the same transaction. */
  transform?: (db: Database.Database) => void;
}

/** `PRAGMA application_id` of every store ("SECX"), so a foreign database is never mistaken for one. */
export const STORE_APPLICATION_ID = 0x53454358;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events with their raw text, their audit ids and record hashes, groups, contexts, ingest runs',
    sql: `
      CREATE TABLE schema_version (
        version    INTEGER PRIMARY KEY,
        applied_at INTEGER NOT NULL            -- ms since the epoch
      );

      -- One row per ingest: what its records were parsed with, so --redecode can read them again alike.
      CREATE TABLE ingest_run (
        id          INTEGER PRIMARY KEY,
        started_at  INTEGER NOT NULL,          -- ms since the epoch
        finished_at INTEGER,                   -- null: still running, or killed
        parsed_at   INTEGER NOT NULL,          -- the "now" that gave syslog stamps their year
        assumed_abi TEXT NOT NULL,             -- the ABI of records without arch= (--abi)
        added       INTEGER NOT NULL DEFAULT 0,
        known       INTEGER NOT NULL DEFAULT 0
      );

      -- What explain groups by (DenialAggregator): program, ABI, syscall, action. Few rows.
      CREATE TABLE denial_group (
        id      INTEGER PRIMARY KEY,
        key     TEXT NOT NULL UNIQUE,
        exe     TEXT,
        comm    TEXT,
        arch    TEXT,
        abi     TEXT,
        nr      INTEGER,
        syscall TEXT,
        action  TEXT NOT NULL
      );

      -- The other values a summary lists, and the unit: few distinct, so stored once.
      CREATE TABLE event_context (
        id     INTEGER PRIMARY KEY,
        key    TEXT NOT NULL UNIQUE,
        uid    INTEGER,
        user   TEXT,
        host   TEXT,
        format TEXT NOT NULL,
        notes  TEXT NOT NULL,                  -- JSON array of strings
        unit   TEXT
      );

      -- One row per audit event, however many times and forms it was read in.
      CREATE TABLE event (
        id           INTEGER PRIMARY KEY,
        run_id       INTEGER NOT NULL,         -- ingest_run.id of the first sighting
        group_id     INTEGER NOT NULL,         -- denial_group.id
        context_id   INTEGER NOT NULL,         -- event_context.id
        time         INTEGER,                  -- ms since the epoch
        time_precise INTEGER NOT NULL,
        serial       INTEGER,
        pid          INTEGER,
        auid         INTEGER,
        code         TEXT,
        signal       TEXT,
        compat       INTEGER,
        ip           TEXT,
        keyed_by_id  INTEGER NOT NULL,         -- 1: found by its audit id; 0: by its record hash
        paired       INTEGER NOT NULL DEFAULT 0, -- 1: a sighting of the other kind was matched to it
        text         TEXT NOT NULL             -- the line it was read from, for --redecode
      );
      -- Everything report reads, in one covering index; new rows append at one point per group.
      CREATE INDEX event_report ON event (group_id, time, pid, context_id);
      -- Sightings without an audit id that no sighting with one has been matched to yet.
      CREATE INDEX event_unpaired_without_id ON event (group_id, pid, time) WHERE keyed_by_id = 0 AND paired = 0;

      -- Every audit id an event was seen under. host is '' for records that name none.
      CREATE TABLE event_audit_id (
        time     INTEGER NOT NULL,
        serial   INTEGER NOT NULL,
        host     TEXT NOT NULL,
        event_id INTEGER NOT NULL,
        PRIMARY KEY (time, serial, host)
      ) WITHOUT ROWID;

      -- Every record hash an event was seen under (sightings without an audit id). The second
      -- leads the key only to keep inserts local.
      CREATE TABLE event_record_hash (
        second   INTEGER NOT NULL,
        digest   BLOB NOT NULL,
        event_id INTEGER NOT NULL,
        PRIMARY KEY (second, digest)
      ) WITHOUT ROWID;

      PRAGMA application_id = ${STORE_APPLICATION_ID};
    `,
  },
  {
    version: 2,
    description: 'unmatched sightings of each kind indexed by everything pairing compares but the host',
    sql: `
      -- Pairing (event-pairing.ts) finds the partner by group, pid, ip and code, the nearest in time.
      DROP INDEX event_unpaired_without_id;
      CREATE INDEX event_unpaired_without_id ON event (group_id, pid, ip, code, time) WHERE keyed_by_id = 0 AND paired = 0;
      CREATE INDEX event_unpaired_with_id ON event (group_id, pid, ip, code, time) WHERE keyed_by_id = 1 AND paired = 0;
    `,
  },
  {
    version: 3,
    description: 'event contexts keep their notes as typed values ({"code": "assumed-abi", "abi": …}), keyed by them',
    sql: '',
    transform: typeStoredNotes,
  },
  {
    version: 4,
    description: 'each event keeps its audit session (ses=)',
    sql: 'ALTER TABLE event ADD COLUMN ses INTEGER;',
  },
];

/** The schema version this program writes. */
export const CURRENT_SCHEMA_VERSION = MIGRATIONS.length;
