import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Denial } from '../src/decode/index.js';
import { openDenialStore, type IngestCounts } from '../src/store/index.js';
import { DenialGroups, EventContexts } from '../src/store/sqlite/denial-dictionaries.js';
import { IndexedPartnerSearch, PAIRING_WINDOW_MS, type PairingPlace, type PartnerSearch } from '../src/store/sqlite/event-pairing.js';
import { EventWriter, EventWriteStatements } from '../src/store/sqlite/event-writer.js';
import { migrateSchema } from '../src/store/sqlite/open-denial-store.js';
import { FIXTURE_NOW, temporaryDirectories } from './support/run.js';

const INGEST = { parsedAt: FIXTURE_NOW, assumedAbi: 'x86_64' };
const BASE_TIME = Date.parse('2026-11-23T13:15:00Z');

const temporaryDirectory = temporaryDirectories('store-pairing');

function newStorePath(): string {
  return join(temporaryDirectory(), 'denials.db');
}

function denial(values: Partial<Denial>): Denial {
  return {
    time: null, timePrecise: true, serial: null, host: null, pid: 4242, comm: 'trig', exe: '/usr/bin/trig', uid: 0, user: null,
    auid: null, ses: null, arch: 'c000003e', abi: 'x86_64', nr: 160, syscall: 'setrlimit', action: 'kill_process', code: '0x80000000',
    signal: 'SIGSYS', compat: false, ip: '0x400000', format: 'auditd', notes: [], text: 'a line', ...values,
  };
}

/** The kernel's sighting of an event (audit id) and journald's copy of it (no serial, stamped to the second). */
function withId(time: number, serial: number, values: Partial<Denial> = {}): Denial {
  return denial({ time, serial, timePrecise: true, format: 'auditd', ...values });
}
function withoutId(time: number, values: Partial<Denial> = {}): Denial {
  return denial({ time: Math.floor(time / 1000) * 1000, serial: null, timePrecise: false, format: 'journal-audit', ...values });
}

/**
 * `count` events of one process, a few milliseconds apart, each at another ip: every one is a
 * candidate for every other's partner by time, and only the one at its own ip matches.
 */
function oneProcessEvents(count: number): { kernel: Denial[]; journald: Denial[] } {
  const kernel: Denial[] = [];
  const journald: Denial[] = [];
  for (let index = 0; index < count; index++) {
    const time = BASE_TIME + index * 2;
    const ip = `0x${(0x400000 + index).toString(16)}`;
    kernel.push(withId(time, index + 1, { ip }));
    journald.push(withoutId(time, { ip }));
  }
  return { kernel, journald };
}

/** CPU time of the second ingest (the pairing one) into a new store, in µs; checks that every sighting was paired. */
async function pairingCpu(first: Denial[], second: Denial[]): Promise<number> {
  const store = openDenialStore(newStorePath());
  try {
    await store.ingest(first, INGEST);
    const before = process.cpuUsage();
    const counts: IngestCounts = await store.ingest(second, INGEST);
    const used = process.cpuUsage(before);
    expect(counts).toEqual({ added: 0, known: second.length });
    return used.user + used.system;
  } finally {
    store.close();
  }
}

describe('pairing across ingests', () => {
  const SMALL = 500;
  const LARGE = 4_000;
  // Linear work grows about 8× from SMALL to LARGE (less, with the fixed cost of an ingest);
  // a scan of the window for each sighting grows about 64×.
  const MOST_GROWTH = 24;

  for (const kernelFirst of [true, false]) {
    it(`grows with the number of events, not with its square (${kernelFirst ? 'kernel lines' : 'journald copies'} stored first)`, async () => {
      const order = (events: { kernel: Denial[]; journald: Denial[] }): [Denial[], Denial[]] =>
        kernelFirst ? [events.kernel, events.journald] : [events.journald, events.kernel];
      const small = order(oneProcessEvents(SMALL));
      const large = order(oneProcessEvents(LARGE));
      await pairingCpu(...small); // warm-up
      let smallest = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 5; run++) smallest = Math.min(smallest, await pairingCpu(...small));
      // CPU time, the least of a few runs: a busy machine makes a run slower, never faster.
      let growth = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 3; run++) {
        growth = Math.min(growth, (await pairingCpu(...large)) / smallest);
        if (growth < MOST_GROWTH || growth > 2 * MOST_GROWTH) break;
      }
      expect(growth).toBeLessThan(MOST_GROWTH);
    }, 120_000);
  }
});

/**
 * The pairing rule read off the schema, the way the store first did it: every unmatched
 * sighting of the other kind in the window, in the order of the index it was read through,
 * the nearest whose host agrees, the first of equally near ones.
 */
class WindowScan implements PartnerSearch {
  private readonly select: Database.Statement;

  constructor(db: Database.Database) {
    this.select = db.prepare(`
      SELECT id, time, context_id FROM event
      WHERE group_id = ? AND pid IS ? AND ip IS ? AND code IS ? AND keyed_by_id = ? AND paired = 0 AND time BETWEEN ? AND ?`);
  }

  find(wantsWithId: boolean, place: PairingPlace, hostAgrees: (contextId: number) => boolean): number | null {
    const rows = this.select.all(place.groupId, place.pid, place.ip, place.code, wantsWithId ? 1 : 0, place.time - PAIRING_WINDOW_MS, place.time + PAIRING_WINDOW_MS) as
      { id: number; time: number; context_id: number }[];
    // event_report (group_id, time, pid, context_id) for sightings with an id; (group_id, pid, time) for those without.
    rows.sort((a, b) => a.time - b.time || (wantsWithId ? a.context_id - b.context_id : 0) || a.id - b.id);
    let best: { id: number; time: number } | null = null;
    for (const row of rows) {
      if (!hostAgrees(row.context_id)) continue;
      if (best === null || Math.abs(row.time - place.time) < Math.abs(best.time - place.time)) best = row;
    }
    return best?.id ?? null;
  }
}

/**
 * Stores each input as DenialStore.ingest does, in a new store in memory, with partners found
 * by `partnersOf`; returns what pairing decides: which event each key leads to, and which
 * events were matched.
 */
function pairedKeys(inputs: Denial[][], partnersOf: (db: Database.Database) => PartnerSearch): unknown {
  const db = new Database(':memory:');
  try {
    migrateSchema(db, 0);
    const statements = new EventWriteStatements(db);
    const groups = new DenialGroups(db);
    const contexts = new EventContexts(db);
    for (const input of inputs) {
      const runId = Number(db.prepare('INSERT INTO ingest_run (started_at, parsed_at, assumed_abi) VALUES (0, 0, ?)').run('x86_64').lastInsertRowid);
      const writer = new EventWriter({ ...statements, partners: partnersOf(db) }, groups, contexts, runId);
      db.transaction(() => {
        writer.refresh();
        for (const sighting of input) writer.write(sighting, null);
      }).immediate();
    }
    return {
      events: db.prepare('SELECT id, group_id, context_id, time, serial, pid, ip, code, keyed_by_id, paired FROM event ORDER BY id').all(),
      auditIds: db.prepare('SELECT time, serial, host, event_id FROM event_audit_id ORDER BY time, serial, host').all(),
      recordHashes: db.prepare('SELECT second, hex(digest) AS digest, event_id FROM event_record_hash ORDER BY second, digest').all(),
    };
  } finally {
    db.close();
  }
}

/** A sighting from a small set of values, so that many are candidates for each other. */
const sighting = fc.record({
  hasId: fc.boolean(),
  second: fc.integer({ min: 0, max: 8 }),
  millis: fc.constantFrom(0, 0, 500, 500, 999),
  serial: fc.integer({ min: 1, max: 20 }),
  host: fc.constantFrom(null, null, '', 'web1', 'web1', 'web2'),
  pid: fc.constantFrom(7, 7, 7, 8),
  ip: fc.constantFrom('0x400000', '0x400000', '0x400000', '0x400010'),
  code: fc.constantFrom('0x80000000', '0x80000000', '0x50001'),
  nr: fc.constantFrom(160, 160, 160, 161),
  uid: fc.constantFrom(0, 0, 1000),
}).map(({ hasId, second, millis, serial, host, pid, ip, code, nr, uid }): Denial => {
  const time = BASE_TIME + second * 1000 + millis;
  const values: Partial<Denial> = { host, pid, ip, code, nr, syscall: nr === 160 ? 'setrlimit' : 'getppid', uid };
  return hasId ? withId(time, serial, values) : withoutId(time, values);
});

describe('the indexed partner search', () => {
  it('pairs exactly as a scan of the whole window does', () => {
    const inputs = fc.array(fc.array(sighting, { maxLength: 60 }), { minLength: 1, maxLength: 3 });
    // Reading one or two candidates at a time walks through many reads, as a busy process's would.
    fc.assert(fc.property(inputs, fc.constantFrom(1, 2, 8), (inputs, firstPage) => {
      expect(pairedKeys(inputs, (db) => new IndexedPartnerSearch(db, firstPage))).toEqual(pairedKeys(inputs, (db) => new WindowScan(db)));
    }), { numRuns: 300 });
  }, 120_000);

  it('finds the partner behind more candidates than one read takes', async () => {
    // 40 copies stamped in one second from web2, one from web1: the kernel's line from web1 is
    // the web1 copy's, whatever the number of web2 copies read before it.
    const time = BASE_TIME + 500;
    const copies = [...Array.from({ length: 40 }, () => withoutId(time, { host: 'web2', uid: 1 })), withoutId(time, { host: 'web1' })];
    const store = openDenialStore(newStorePath());
    expect(await store.ingest(copies, INGEST)).toEqual({ added: 41, known: 0 });
    expect(await store.ingest([withId(time, 1, { host: 'web1' })], INGEST)).toEqual({ added: 0, known: 1 });
    expect(await store.ingest([withId(time, 2, { host: 'web1' })], INGEST)).toEqual({ added: 1, known: 0 });
    store.close();
  });

  it('looks further back before it takes a later candidate that is further away', async () => {
    // web1's kernel line at T+0.5 s: journald's copies from web2 in the 8 seconds before it do
    // not match it; web1's copy at T−8 s is nearer than web1's at T+10 s.
    const time = BASE_TIME + 500;
    const web2 = Array.from({ length: 8 }, (_, seconds) => withoutId(BASE_TIME - seconds * 1000, { host: 'web2' }));
    const store = openDenialStore(newStorePath());
    await store.ingest([...web2, withoutId(BASE_TIME - 8_000, { host: 'web1' }), withoutId(BASE_TIME + 10_000, { host: 'web1' })], INGEST);
    expect(await store.ingest([withId(time, 1, { host: 'web1' })], INGEST)).toEqual({ added: 0, known: 1 });
    // The copy at T+10 s is still free for the next line; the one at T−8 s is out of its reach.
    expect(await store.ingest([withId(BASE_TIME + 9_900, 2, { host: 'web1' })], INGEST)).toEqual({ added: 0, known: 1 });
    store.close();
  });
});
