import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DENIAL_FIELDS, PUBLIC_DENIAL_FIELD_NAMES, type Denial } from '../src/decode/index.js';
import { renderDenialNdjson } from '../src/render/index.js';
import { normalisedRecord } from '../src/store/event-key.js';
import { CONTEXT_COLUMNS, EVENT_COLUMNS, GROUP_COLUMNS, SCOPE_TABLES } from '../src/store/sqlite/denial-columns.js';
import { MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { migrateSchema } from '../src/store/sqlite/open-denial-store.js';

const DENIAL: Denial = {
  time: 1678972350123, timePrecise: true, serial: 4242, host: 'web1', pid: 1234, comm: 'curl', exe: '/usr/bin/curl',
  uid: 1000, user: 'alice', auid: 1000, ses: 7, arch: 'c000003e', abi: 'x86_64', nr: 41, syscall: 'socket', action: 'kill_process',
  code: '0x80000000', signal: 'SIGSYS', compat: false, ip: '0x7f00dead', format: 'auditd', notes: [], text: 'type=SECCOMP …',
};

describe('the table of a denial\'s fields', () => {
  it('names every field of a Denial once, in the order of the JSON of one denial', () => {
    expect(DENIAL_FIELDS.map((field) => field.name)).toEqual(Object.keys(DENIAL));
    // `note_codes` stands beside `notes`: the notes' codes and data, where `notes` has their words.
    expect([...PUBLIC_DENIAL_FIELD_NAMES, 'note_codes']).toEqual(Object.keys(JSON.parse(renderDenialNdjson(DENIAL)) as object));
  });

  it('matches the columns the shipped migrations make: a new field needs a migration', () => {
    const db = new Database(':memory:');
    migrateSchema(db, 0, MIGRATIONS);
    const columnsOf = (table: string): string[] => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((row) => row.name);
    expect(columnsOf(SCOPE_TABLES.denial).sort()).toEqual(['id', 'key', ...GROUP_COLUMNS.map(({ column }) => column)].sort());
    expect(columnsOf(SCOPE_TABLES.context).sort()).toEqual(['id', 'key', 'unit', ...CONTEXT_COLUMNS.map(({ column }) => column)].sort());
    expect(columnsOf(SCOPE_TABLES.event).sort()).toEqual(
      ['id', 'run_id', 'group_id', 'context_id', 'keyed_by_id', 'paired', ...EVENT_COLUMNS.map(({ column }) => column)].sort(),
    );
    db.close();
  });

  it('keeps the normalised record of an event as stores hold its hash', () => {
    expect(normalisedRecord(DENIAL)).toBe('["web1",1678972350,4242,1234,1000,"alice",1000,"curl","/usr/bin/curl","c000003e",41,"0x80000000","0x7f00dead",false]');
    expect(normalisedRecord({ ...DENIAL, time: null, host: null, compat: null })).toBe('[null,null,4242,1234,1000,"alice",1000,"curl","/usr/bin/curl","c000003e",41,"0x80000000","0x7f00dead",null]');
  });
});
